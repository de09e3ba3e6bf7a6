package dev.background.process.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.background.context.CarriedContext;
import dev.background.function.CheckedFunction;
import dev.background.spi.BoundCall;
import java.io.ObjectInputFilter;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Functions sent once: the pool's cache by identity, a worker's bounded set, and the call's wire form. */
class CallPayloadTest {
    private static final ObjectInputFilter ALLOW = info -> ObjectInputFilter.Status.ALLOWED;

    @Test
    void theSameFunctionObjectIsSerialisedOnceAndKeepsItsId() throws Exception {
        var functions = new CallPayload.Functions();
        CheckedFunction<Integer, Integer> twice = x -> 2 * x;
        CheckedFunction<Integer, Integer> other = x -> 3 * x;
        var a = functions.of(twice);
        assertThat(functions.of(twice)).isSameAs(a);
        assertThat(functions.of(other).id()).isNotEqualTo(a.id());
    }

    @Test
    void aWorkerHoldsAtMostItsBoundAndForgetsTheLeastRecentlyUsed() throws Exception {
        var functions = new CallPayload.Functions();
        var sent = new CallPayload.Sent();
        CallPayload.Function first = null;
        for (int i = 0; i < CallPayload.Sent.MAX; i++) {
            int k = i;
            CheckedFunction<Integer, Integer> f = x -> x + k;
            var fn = functions.of(f);
            first = first == null ? fn : first;
            assertThat(sent.add(fn)).as("new to the worker").isTrue();
            assertThat(sent.evict()).isEqualTo(-1);
        }
        assertThat(sent.add(first)).as("used again: now the most recent").isFalse();
        CheckedFunction<Integer, Integer> extra = x -> -x;
        assertThat(sent.add(functions.of(extra))).isTrue();
        long forgotten = sent.evict();
        assertThat(forgotten).isNotEqualTo(first.id()).isPositive();
        assertThat(sent.evict()).isEqualTo(-1);
    }

    @Test
    void aBoundCallTravelsAsItsFunctionsIdItsArgumentsAndItsContext() throws Exception {
        CheckedFunction<String, String> shout = s -> s.toUpperCase(java.util.Locale.ROOT) + "!";
        var functions = new CallPayload.Functions();
        var f = functions.of(shout);
        var context = CarriedContext.of(Map.of("mdc", Map.of("requestId", "r-7")));
        Codec.Buffer body = Codec.encodeBoundCall("shout", context, f.id(), new Object[] {"hi"});
        Map<Long, Object> held = new HashMap<>();
        held.put(
                f.id(),
                Codec.decode(
                        java.util.Arrays.copyOf(f.bytes().array(), f.bytes().length()), ALLOW));
        var task = Codec.decodeTask(java.util.Arrays.copyOf(body.array(), body.length()), ALLOW, held::get);
        assertThat(task.name()).isEqualTo("shout");
        assertThat(task.context()).isEqualTo(context);
        assertThat(BoundCall.of(task.call(), task.arguments()).call()).isEqualTo("HI!");
    }

    @Test
    void aCallOfAFunctionTheWorkerDoesNotHoldIsAMalformedFrame() throws Exception {
        Codec.Buffer body = Codec.encodeBoundCall("lost", null, 42, new Object[] {1});
        assertThatThrownBy(
                        () -> Codec.decodeTask(java.util.Arrays.copyOf(body.array(), body.length()), ALLOW, id -> null))
                .isInstanceOf(Frames.MalformedFrameException.class)
                .hasMessageContaining("function 42, which was not sent before");
    }
}

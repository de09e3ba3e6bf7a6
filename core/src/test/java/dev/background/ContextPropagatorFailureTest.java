package dev.background;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.background.context.CarriedContext;
import dev.background.context.ContextPropagator;
import dev.background.context.ThreadLocalPropagator;
import dev.background.testkit.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A propagator that throws, in each phase, fails only the task it belongs to (or is logged), as
 * {@link ContextPropagator} documents; and bad input to the API gets a clear error.
 */
class ContextPropagatorFailureTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final ThreadLocal<@Nullable String> LOCAL = new ThreadLocal<>();

    private final BackgroundPool.Builder builder =
            BackgroundPool.builder().name("failing-propagators").n(1).awaitTasksAtExit(false);

    @AfterEach
    void clear() {
        LOCAL.remove();
    }

    /** A propagator that throws in one phase while {@code failing} is set. */
    private static final class Faulty implements ContextPropagator<String> {
        final String phase;
        final AtomicBoolean failing = new AtomicBoolean(true);
        final AtomicInteger closed = new AtomicInteger();

        Faulty(String phase) {
            this.phase = phase;
        }

        @Override
        public String key() {
            return "faulty-" + phase;
        }

        @Override
        public String capture() {
            fail("capture");
            return "captured";
        }

        @Override
        public Scope restore(@Nullable String captured) {
            fail("restore");
            return () -> {
                closed.incrementAndGet();
                fail("close");
            };
        }

        private void fail(String now) {
            if (now.equals(phase) && failing.get()) {
                throw new IllegalStateException(phase + " failed on purpose");
            }
        }
    }

    @Test
    void aCaptureThatThrowsFailsThatTaskAtOnceAndTheSubmitReturns() throws Exception {
        var faulty = new Faulty("capture");
        var ended = new ConcurrentLinkedQueue<Task<?>>();
        try (var pool = builder.propagate(faulty).callback(ended::add).build()) {
            var ran = new AtomicBoolean();
            Task<String> t = pool.run(() -> {
                ran.set(true);
                return "ran";
            });
            assertThat(t.exception(PATIENCE))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("capture failed on purpose");
            assertThat(ran).isFalse();
            assertThat(ended).containsExactly(t); // the pool's callbacks saw it, its count is exact

            faulty.failing.set(false);
            assertThat(pool.run(() -> "next").result(PATIENCE)).isEqualTo("next");
            pool.shutdown();
            assertThat(pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
        }
    }

    @Test
    void aRestoreThatThrowsFailsTheTaskWithoutRunningItAndClosesThoseRestoredBeforeIt() {
        var faulty = new Faulty("restore");
        try (var pool = builder.propagate(new ThreadLocalPropagator<>("local", LOCAL), faulty)
                .build()) {
            LOCAL.set("request-1");
            var ran = new AtomicBoolean();
            Task<String> t = pool.run(() -> {
                ran.set(true);
                return "ran";
            });
            assertThat(t.exception(PATIENCE)).hasMessage("restore failed on purpose");
            assertThat(ran).isFalse();

            faulty.failing.set(false);
            LOCAL.remove();
            // The same worker: had the first propagator's scope stayed open, it would still see request-1.
            var seen = pool.run(() -> String.valueOf(LOCAL.get())).result(PATIENCE);
            assertThat(seen).isEqualTo("null");
        }
    }

    @Test
    void aCloseThatThrowsIsLoggedTheTaskKeepsItsResultAndTheOtherScopesClose() {
        var faulty = new Faulty("close");
        try (var log = LogCapture.start();
                var pool = builder.propagate(new ThreadLocalPropagator<>("local", LOCAL), faulty)
                        .build()) {
            LOCAL.set("request-1");
            assertThat(pool.run(() -> LOCAL.get()).result(PATIENCE)).isEqualTo("request-1");
            Awaitility.await().atMost(PATIENCE).until(() -> faulty.closed.get() >= 1);
            Awaitility.await()
                    .atMost(PATIENCE)
                    .untilAsserted(() -> assertThat(log.records())
                            .anySatisfy(r -> assertThat(r.getThrown()).hasMessage("close failed on purpose")));
            LOCAL.remove();
            assertThat(pool.run(() -> String.valueOf(LOCAL.get())).result(PATIENCE))
                    .as("the thread-local's scope was closed after the faulty one failed")
                    .isEqualTo("null");
        }
    }

    @Test
    void aCallbackRunsWithoutTheContextIfItCannotBeRestoredAndTheFailureIsLogged() throws Exception {
        var faulty = new Faulty("restore");
        var callbackRan = new java.util.concurrent.CountDownLatch(1);
        try (var log = LogCapture.start();
                var pool = builder.propagate(faulty)
                        .callback(t -> callbackRan.countDown())
                        .build()) {
            Task<String> t = pool.run(() -> "x");
            assertThat(t.exception(PATIENCE)).hasMessage("restore failed on purpose");
            assertThat(callbackRan.await(30, java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
            assertThat(log.records())
                    .anySatisfy(r -> assertThat(r.getMessage()).contains("could not be restored for its callbacks"));
        }
    }

    @Test
    void badInputIsRefusedWithAClearError() {
        assertThatThrownBy(() -> builder.propagate((ContextPropagator<?>[]) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("propagators");
        assertThatThrownBy(() -> builder.propagate((List<ContextPropagator<?>>) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("propagators");
        assertThatThrownBy(() -> builder.propagate(new ThreadLocalPropagator<>("a", LOCAL), null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("propagators");
        assertThatThrownBy(() -> builder.propagate(
                        new ThreadLocalPropagator<>("a", LOCAL), new ThreadLocalPropagator<>("a", LOCAL)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a'");
        assertThatThrownBy(() -> new ThreadLocalPropagator<>(" ", LOCAL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key");
        assertThatThrownBy(() -> new ThreadLocalPropagator<>("a", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("local");
        assertThatThrownBy(() -> new ThreadLocalPropagator<>("a", LOCAL, null, s -> s))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("encoder");
        assertThatThrownBy(() -> Background.propagate((ContextPropagator<?>[]) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("propagators");
        assertThatThrownBy(() -> CarriedContext.of(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("entries");
        assertThatThrownBy(() -> CarriedContext.EMPTY.restore(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("propagators");
        assertThatThrownBy(() -> ContextPropagator.installed(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("loader");
    }

    @Test
    void theDefaultPoolPropagatesOnceConfiguredAndStopsWhenCleared() {
        var local = new ThreadLocalPropagator<>("default-pool-local", LOCAL);
        LOCAL.set("request-9");
        try {
            Background.propagate(local);
            assertThat(Background.run(() -> LOCAL.get()).result(PATIENCE)).isEqualTo("request-9");
        } finally {
            Background.propagate();
        }
        assertThat(Background.run(() -> LOCAL.get()).result(PATIENCE)).isNull();
    }

    @Test
    void aCarriedKeyWithoutAPropagatorHereIsLoggedAndSkipped() {
        var carried = CarriedContext.of(Map.of("nobody-here", Map.of("k", "v")));
        try (var log = LogCapture.start()) {
            carried.restore(List.of()).close();
            assertThat(log.records()).anySatisfy(r -> assertThat(r.getMessage()).contains("'nobody-here'"));
        }
    }
}

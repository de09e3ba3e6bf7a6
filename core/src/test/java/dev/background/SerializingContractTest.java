package dev.background;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.background.function.AsyncFunction;
import dev.background.function.CheckedFunction;
import dev.background.testkit.PoolContract;
import dev.background.testkit.SerializingKind;
import java.io.NotSerializableException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The portable contract on {@link SerializingKind}, a kind that serialises every call, result and
 * failure and uses the remote half of the engine SPI: proves the contract can run on worker
 * processes and clusters, and that the pool keeps its promises on that path.
 */
class SerializingContractTest extends PoolContract {

    @Override
    protected BackgroundPool.Builder newPoolBuilder() {
        return BackgroundPool.builder().kind(SerializingKind.INSTANCE);
    }

    @Test
    void aTaskThatCapturesSomethingNotSerialisableFailsWithTheReason() {
        BackgroundPool pool = pool(1);
        CountDownLatch latch = new CountDownLatch(1);

        Task<Long> t = pool.run(latch::getCount);

        assertThatThrownBy(t::result)
                .hasCauseInstanceOf(NotSerializableException.class)
                .hasStackTraceContaining("CountDownLatch");
    }

    /** Regression: remote engines never call Job.run(), where the permit used to be given back. */
    @Test
    void aFunctionLimitGivesItsPermitBackWhenARemoteEngineReportsTheEnd() {
        BackgroundPool pool = pool(2);
        AsyncFunction<Integer, Integer> limited = pool.task((Integer i) -> i).limit(1);
        CheckedFunction<Integer, Integer> fails = i -> {
            throw new IllegalStateException("f" + i);
        };
        AsyncFunction<Integer, Integer> limitedFailing = pool.task(fails).limit(1);

        var tasks =
                java.util.stream.IntStream.range(0, 5).mapToObj(limited::apply).toList();
        var failing = java.util.stream.IntStream.range(0, 3)
                .mapToObj(limitedFailing::apply)
                .toList();

        assertThat(Tasks.gather(tasks)).containsExactly(0, 1, 2, 3, 4);
        assertThat(failing)
                .allSatisfy(t -> assertThat(t.exception(PATIENCE)).isInstanceOf(IllegalStateException.class));
    }

    @Test
    void remoteKindsRecordWhereEachTaskWasSubmitted() {
        BackgroundPool pool = pool(1);
        Task<Integer> t = pool.run(() -> 1);
        t.result();
        StackTraceElement[] site = ((dev.background.spi.Job) t).submitSite();
        assertThat(site).isNotEmpty();
        assertThat(site[0].getClassName()).isEqualTo(SerializingContractTest.class.getName());
    }

    @Test
    void aSubmitSiteReadAfterItsThreadEndedStillNamesTheSubmittingLine() throws InterruptedException {
        // The walk's frames are resolved only when asked for: by then the submitting thread may be
        // long gone, and the frames must still name its method and line.
        BackgroundPool pool = pool(1);
        java.util.concurrent.atomic.AtomicReference<Task<Integer>> submitted =
                new java.util.concurrent.atomic.AtomicReference<>();
        int[] line = new int[1];
        Thread submitter = Thread.ofPlatform().start(() -> {
            line[0] = new Throwable().getStackTrace()[0].getLineNumber() + 1;
            submitted.set(pool.run(() -> 1));
        });
        submitter.join();
        submitted.get().result();

        StackTraceElement[] site = ((dev.background.spi.Job) submitted.get()).submitSite();

        assertThat(site).isNotEmpty();
        assertThat(site[0].getClassName()).isEqualTo(SerializingContractTest.class.getName());
        assertThat(site[0].getMethodName()).startsWith("lambda$aSubmitSiteReadAfterItsThreadEnded");
        assertThat(site[0].getLineNumber()).isEqualTo(line[0]);
        assertThat(((dev.background.spi.Job) submitted.get()).submitSite())
                .as("resolved once")
                .isSameAs(site);
    }
}

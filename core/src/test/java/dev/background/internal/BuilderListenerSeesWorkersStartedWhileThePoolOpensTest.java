package dev.background.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.background.BackgroundPool;
import dev.background.PoolEvent;
import dev.background.PoolListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Guards {@code Builder.listener}: a listener given to the builder hears what the pool's engine
 * reported while it opened (an eager worker's start), which a listener added once {@code build()}
 * has returned cannot.
 */
class BuilderListenerSeesWorkersStartedWhileThePoolOpensTest {

    /** Records the pool events it hears. */
    static final class Recorder implements PoolListener {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void poolEvent(PoolEvent event) {
            seen.add(event.type() + " " + event.worker());
        }
    }

    @Test
    void aBuilderListenerHearsTheWorkerThatStartedWhileThePoolOpened() {
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        Recorder afterBuild = new Recorder();
        BackgroundPool pool = BackgroundPool.builder()
                .kind(new EarlyPoolEventsInOrderTest.StartsAWorkerAtOpen())
                .awaitTasksAtExit(false)
                .listener(first)
                .listener(second)
                .build();
        pool.addListener(afterBuild);
        pool.shutdown();

        assertThat(first.seen).containsExactly("WORKER_STARTED w1", "SHUT_DOWN null");
        assertThat(second.seen).isEqualTo(first.seen);
        // What the option is for: the worker's start is over by the time build() returns.
        assertThat(afterBuild.seen).containsExactly("SHUT_DOWN null");
    }

    @Test
    void aThrowingBuilderListenerNeitherFailsTheBuildNorSilencesTheOthers() {
        Recorder after = new Recorder();
        BackgroundPool pool = BackgroundPool.builder()
                .kind(new EarlyPoolEventsInOrderTest.StartsAWorkerAtOpen())
                .awaitTasksAtExit(false)
                .listener(new PoolListener() {
                    @Override
                    public void poolEvent(PoolEvent event) {
                        throw new IllegalStateException("listener failure on purpose");
                    }
                })
                .listener(after)
                .build();
        pool.shutdown();

        assertThat(after.seen).containsExactly("WORKER_STARTED w1", "SHUT_DOWN null");
    }

    @Test
    void aNullListenerIsRefusedByName() {
        assertThatNullPointerException()
                .isThrownBy(() -> BackgroundPool.builder().listener(null))
                .withMessage("listener");
    }
}

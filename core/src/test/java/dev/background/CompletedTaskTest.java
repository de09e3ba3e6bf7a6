package dev.background;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CompletedTaskTest {

    @Test
    void aCompletedTaskHasItsValueAtOnceAndNoFailure() throws Exception {
        Task<String> task = Tasks.completed("v");
        assertThat(task.state()).isEqualTo(Future.State.SUCCESS);
        assertThat(task.attempt()).isEqualTo(1);
        assertThat(task.timings().started()).as("it never ran").isNull();
        assertThat(task.timings().ended()).isEqualTo(task.timings().submitted());
        assertThat(task.timings().total()).isZero();
        assertThat(task.result()).isEqualTo("v");
        assertThat(task.result(Duration.ZERO)).isEqualTo("v");
        assertThat(task.get()).isEqualTo("v");
        assertThat(task.exception()).isNull();
        assertThat(task.exception(Duration.ZERO)).isNull();
        assertThat(task.cancel(true)).isFalse();
        assertThat(task.isCancelled()).isFalse();
        assertThat(task.name()).isEqualTo("completed");
        assertThat(Tasks.completed(null).result()).isNull();
        assertThat(Tasks.gather(List.of(task, Tasks.completed("w")))).containsExactly("v", "w");
    }

    @Test
    void itsCallbackRunsAtOnceOnTheCallingThreadAndOneThatThrowsIsContained() {
        Task<String> task = Tasks.completed("v");
        AtomicReference<Thread> ran = new AtomicReference<>();
        assertThat((Object) task.onDone(t -> ran.set(Thread.currentThread()))).isSameAs(task);
        assertThat(ran.get()).isSameAs(Thread.currentThread());
        task.onDone(t -> {
            throw new IllegalStateException("callback");
        });
        assertThatThrownBy(() -> task.onDone(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("callback");
        assertThatThrownBy(() -> task.result(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("timeout");
    }
}

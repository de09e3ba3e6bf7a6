package dev.background.spring.boot.autoconfigure;

import dev.background.BackgroundPool;
import dev.background.Task;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.TaskDecorator;

/**
 * A pool seen as Spring's {@link AsyncTaskExecutor}: the bean {@code @Async} and
 * {@code applicationTaskExecutor} resolve to. Its futures are the pool's {@link Task}s, so an
 * {@code @Async} method may return {@code Task<T>}, {@code CompletableFuture<T>} or nothing.
 *
 * <p>An application's {@link TaskDecorator} is applied on the submitting thread, as Spring's own
 * executors do: the decorated runnable it returns (which typically captured that thread's
 * context) runs on the worker.
 *
 * <p>On a remote kind (processes, cluster) every submit throws
 * {@link RejectedExecutionException}: the tasks Spring hands an executor are calls on its beans,
 * which stay in this JVM. {@code @Async} methods of such a pool do not come here: they are sent as
 * serialisable calls ({@link RemoteAsyncPostProcessor}).
 *
 * <p><b>Threads.</b> Stateless beyond final fields: safe from any thread. A call runs on one of
 * the pool's workers; this class adds no thread, lock or queue of its own.
 */
final class BackgroundTaskExecutor implements AsyncTaskExecutor {

    private final BackgroundPool pool;
    private final @Nullable TaskDecorator decorator;
    private final boolean inJvm;

    BackgroundTaskExecutor(BackgroundPool pool, @Nullable TaskDecorator decorator) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.decorator = decorator;
        this.inJvm = NamedPoolExecutorsRegistrar.inJvm(pool);
    }

    /**
     * Spring hands an executor calls on its beans, which cannot be sent to a worker process or a
     * cluster member: say so rather than fail later with a serialisation error.
     */
    private void checkInJvm() {
        if (!inJvm) {
            throw new RejectedExecutionException("Background pool '" + pool.name() + "' runs on "
                    + pool.kind().name()
                    + ": a task handed to its Spring executor is a call on this JVM's objects and cannot run there."
                    + " @Async methods can (with @EnableAsync, each call is sent to a worker's instance of the"
                    + " application); otherwise submit serializable functions to the pool"
                    + " (BackgroundPools.get(\"" + pool.name() + "\").task(...)).");
        }
    }

    BackgroundPool pool() {
        return pool;
    }

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        checkInJvm();
        pool.execute(decorator == null ? task : decorator.decorate(task));
    }

    @Override
    public Task<?> submit(Runnable task) {
        Objects.requireNonNull(task, "task");
        checkInJvm();
        return pool.submit(decorator == null ? task : decorator.decorate(task));
    }

    @Override
    public <T extends @Nullable Object> Task<T> submit(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        checkInJvm();
        TaskDecorator d = decorator;
        if (d == null) {
            return pool.submit(task);
        }
        DecoratedCall<T> call = new DecoratedCall<>(task);
        Runnable decorated = d.decorate(call);
        return pool.submit(() -> {
            decorated.run();
            return call.outcome();
        });
    }

    @Override
    public <T extends @Nullable Object> CompletableFuture<T> submitCompletable(Callable<T> task) {
        return submit(task).toCompletableFuture();
    }

    @Override
    public CompletableFuture<Void> submitCompletable(Runnable task) {
        Objects.requireNonNull(task, "task");
        return submit(() -> {
                    task.run();
                    return (Void) null;
                })
                .toCompletableFuture();
    }

    @Override
    public String toString() {
        return "BackgroundTaskExecutor[" + pool + "]";
    }

    /**
     * A callable seen as the runnable a {@link TaskDecorator} takes: run by the decorated runnable
     * on the worker, it keeps the value or failure for the task. Written and read by the same
     * worker thread, so plain fields suffice.
     */
    private static final class DecoratedCall<T extends @Nullable Object> implements Runnable {
        private final Callable<T> callable;
        private @Nullable T value;
        private @Nullable Exception failure;
        private boolean ran;

        DecoratedCall(Callable<T> callable) {
            this.callable = callable;
        }

        @Override
        public void run() {
            ran = true;
            try {
                value = callable.call();
            } catch (Exception e) {
                failure = e;
            }
        }

        @SuppressWarnings("NullAway") // value is null only where T is nullable (or before run).
        T outcome() throws Exception {
            if (failure != null) {
                throw failure;
            }
            if (!ran) {
                throw new IllegalStateException("The TaskDecorator's runnable did not run the task it was given");
            }
            return value;
        }
    }
}

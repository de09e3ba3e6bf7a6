package dev.background.cluster.internal;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Runs the engine's completions (settling futures, and so the user's callbacks) on virtual
 * threads, without starting one thread per completion: a thread that finds more work queued
 * keeps going, and a new one starts only when the queue outgrows the threads that drain it, up
 * to a limit (the tasks the pool runs at once). Under a flood of tiny tasks that spares a thread
 * start and a carrier wake-up per task.
 *
 * <p>A callback may block, even on another task's result, whose completion then waits in the
 * queue behind it. So the engine calls {@link #nudge()} periodically: if commands wait while no
 * drainer has taken one for {@link #STALL_NANOS}, one more drainer starts, whatever the limit.
 *
 * <p>Maintainers' overview. {@link #pending} counts queued, not yet taken, commands;
 * {@link #drainers} counts running drainers. A drainer takes commands until the queue is empty,
 * then leaves; the race with a command queued just as it leaves is closed by re-checking the
 * queue after leaving and coming back if the queue is not empty and no other drainer is running.
 * So every queued command is run exactly once, by some drainer, and no command waits while no
 * drainer runs. Commands run in queue order only within one drainer.
 */
final class CompletionRunner implements Executor {
    /** How long queued commands may see no drainer take one before {@link #nudge} adds a drainer. */
    static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger drainers = new AtomicInteger();
    private final IntSupplier limit;
    private final Thread.Builder threads;
    /** System.nanoTime() when a drainer last took a command or started. */
    private volatile long lastProgress = System.nanoTime();

    /**
     * @param name the name of the drainer threads
     * @param limit most drainers at once, {@link #nudge} aside (read on every command; at least
     *     1 is used)
     */
    CompletionRunner(String name, IntSupplier limit) {
        this.limit = limit;
        this.threads = Thread.ofVirtual().name(name);
    }

    /** Queues {@code command}; it runs soon on a virtual thread. Never blocks. */
    @Override
    public void execute(Runnable command) {
        queue.add(Objects.requireNonNull(command, "command"));
        int backlog = pending.incrementAndGet();
        while (true) {
            int running = drainers.get();
            if (running > 0 && (running >= Math.max(1, limit.getAsInt()) || backlog <= running)) {
                return; // the running drainers will get to it
            }
            if (drainers.compareAndSet(running, running + 1)) {
                startDrainer();
                return;
            }
        }
    }

    /**
     * Starts one more drainer if commands have waited while no drainer took one for
     * {@link #STALL_NANOS} (every drainer is held up in a callback). Called by the engine's tick.
     */
    void nudge() {
        if (pending.get() > 0 && System.nanoTime() - lastProgress > STALL_NANOS) {
            drainers.incrementAndGet();
            startDrainer();
        }
    }

    private void startDrainer() {
        lastProgress = System.nanoTime();
        threads.start(this::drain);
    }

    private void drain() {
        while (true) {
            Runnable command;
            while ((command = queue.poll()) != null) {
                pending.decrementAndGet();
                lastProgress = System.nanoTime();
                try {
                    command.run();
                } catch (Throwable t) { // completions catch their own; this is a last resort
                    Log.LOGGER.log(System.Logger.Level.ERROR, "a cluster completion failed", t);
                }
            }
            drainers.decrementAndGet();
            // A command queued after the last poll but before the decrement saw this drainer
            // running and started none: come back for it unless another drainer runs.
            if (queue.isEmpty() || !comeBack()) {
                return;
            }
        }
    }

    private boolean comeBack() {
        int running;
        do {
            running = drainers.get();
            if (running > 0) {
                return false;
            }
        } while (!drainers.compareAndSet(running, running + 1));
        return true;
    }
}

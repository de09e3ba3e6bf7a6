package dev.background.internal;

import dev.background.spi.Engine;
import dev.background.spi.Job;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The engine of both in-JVM kinds: an exact limit of {@code n} jobs at once, kept with counted
 * slots, and a queue for the jobs over it. Subclasses only start worker threads
 * ({@link ThreadEngine} on a {@code ThreadPoolExecutor}, {@link VirtualEngine} one virtual thread
 * per worker) and interrupt them.
 *
 * <p>Maintainers' overview.
 * <ul>
 * <li><b>Slots.</b> {@code ctl} packs {@code n} (high 32 bits) and the number of slots held (low 32
 * bits) into one long, so that both are read at one instant. A job runs only in a worker holding
 * a slot. A slot is taken by a CAS that succeeds only while fewer than {@code n} are held
 * ({@link #tryAcquire}), and {@link #resize} changes {@code n} by a CAS on the same word: once it
 * has returned, no slot is taken above the new {@code n}. The limit is the engine's own, not the
 * thread pool's: a {@code ThreadPoolExecutor} lowered while idle lets a worker that the lowering
 * woke take a queued task before it retires, which ran several jobs at once after n(1).
 * <li><b>Workers.</b> A worker keeps its slot from job to job while no more slots are held than
 * {@code n}; after a lowering, the surplus workers give theirs back as their jobs end (lowering
 * interrupts nobody). A worker checks the limit once it has its job in hand, before every job,
 * its first included ({@link #next}): a submit takes the slot for the first job in its own
 * thread, and a lowering before that worker thread starts, or between a worker's poll and its
 * check, would otherwise start the job above the new {@code n}; the job goes back to the head of
 * the queue. What is left is the few instructions from that check to the call's begin: a
 * {@code resize} that lands there returns before the job begins, and the job still begins (it
 * was admitted under the old {@code n}); nothing begins over the new {@code n} once the workers
 * that had passed their check when {@code resize} returned have begun their jobs.
 * <li><b>No lost wake-ups.</b> {@link #execute} queues, then tries to take a slot for the head of
 * the queue; a worker gives its slot back, then looks at the queue. Each side writes, then reads
 * the other's volatile state, so at least one sees the other: no job waits while a slot is free.
 * The fast path of {@code execute}, with nothing queued, is one CAS and the hand-off to a thread;
 * with jobs queued, a lock-free enqueue; a worker takes its next job without a lock.
 * <li><b>Lifecycle.</b> {@code state} goes OPEN, SHUTDOWN, STOPPED ({@link #shutdownNow}), one way.
 * {@code execute} reads it before it queues a job and again after: a job queued as the engine
 * shuts down is taken back and refused, unless a worker or {@code shutdownNow} took it first
 * (then it runs, or is returned): so a job is refused, returned or run, exactly one of them.
 * Once STOPPED, only the thread that put a job in the queue takes it out again, or
 * {@code shutdownNow}. Termination is the CAS of {@code ctl} from "no slot held" to
 * {@code TERMINATED}, with the queue empty and the state not OPEN; no slot is taken after it, so
 * no worker starts after it.
 * <li><b>Interrupts.</b> A worker clears its interrupt status before each job (one a previous job
 * left set is not for this one), then interrupts itself if the engine is STOPPED: the interrupt
 * of {@code shutdownNow} may have landed before the clearing, and a job a worker took before the
 * stop is a running job, which the stop interrupts.
 * </ul>
 */
abstract class InJvmEngine implements Engine {
    private static final int OPEN = 0, SHUTDOWN = 1, STOPPED = 2;
    /** {@code ctl} once terminated: its slot count, -1, is never below its n, -1, so no slot is taken. */
    private static final long TERMINATED = -1L;

    private static final VarHandle CTL;
    private static final VarHandle STATE;
    private static final VarHandle CLAIMED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            CTL = lookup.findVarHandle(InJvmEngine.class, "ctl", long.class);
            STATE = lookup.findVarHandle(InJvmEngine.class, "state", int.class);
            CLAIMED = lookup.findVarHandle(Worker.class, "claimed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final String poolName;
    private final ConcurrentLinkedDeque<Job> queue = new ConcurrentLinkedDeque<>();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile long ctl;
    private volatile int state;

    InJvmEngine(String poolName, int n) {
        this.poolName = poolName;
        this.ctl = pack(n, 0);
    }

    /**
     * Starts a thread that runs {@code worker}. Must not throw {@link RejectedExecutionException}:
     * a worker started after {@link #shutdownNow} runs its job interrupted. May throw (out of
     * memory or threads) and still run the worker later (a {@code ThreadPoolExecutor} queues it,
     * then fails to start a thread): the worker and the caller's clean-up claim it, one of them.
     */
    abstract void startThread(Runnable worker);

    /**
     * Interrupts every worker thread, for {@link #shutdownNow} (called once the state is STOPPED).
     *
     * @return workers handed to a thread pool that will now never run them
     */
    abstract List<Runnable> interruptWorkers();

    /** Called once, when the engine has terminated: idle threads may go. */
    void onTerminated() {
        // workers that end with their last job need nothing more
    }

    private static long pack(int n, int held) {
        return ((long) n << 32) | (held & 0xFFFFFFFFL);
    }

    private static int nOf(long c) {
        return (int) (c >>> 32);
    }

    private static int heldOf(long c) {
        return (int) c;
    }

    // ---------------------------------------------------------------- slots

    /**
     * True while a slot is free: one read, which spares a busy engine's submit the walk of the
     * queue's head that {@code isEmpty} costs when every slot is taken, the usual case under load.
     */
    private boolean slotFree() {
        long c = ctl;
        return heldOf(c) < nOf(c);
    }

    private boolean tryAcquire() {
        for (long c = ctl; heldOf(c) < nOf(c); c = ctl) {
            if (CTL.compareAndSet(this, c, c + 1)) {
                return true;
            }
        }
        return false;
    }

    /** True while more slots are held than n allows: right after a lowering. */
    private boolean surplus() {
        long c = ctl;
        return heldOf(c) > nOf(c);
    }

    private void release() {
        long c;
        do {
            c = ctl;
            if (heldOf(c) <= 0) { // -1 once terminated: a slot given back twice would end the engine early
                throw new IllegalStateException("a slot given back that was not held: " + this);
            }
        } while (!CTL.compareAndSet(this, c, c - 1));
        if (heldOf(c) == 1 && state != OPEN) {
            tryTerminate();
        }
    }

    /** Starts workers for queued jobs while slots are free; nothing once STOPPED. */
    private void drain() {
        while (state != STOPPED && slotFree() && !queue.isEmpty() && tryAcquire()) {
            Job job = queue.pollFirst();
            if (job == null) {
                release();
                continue;
            }
            Worker w = new Worker(job);
            try {
                startThread(w);
            } catch (RuntimeException | Error noThread) { // out of memory or threads: the job fails, nothing hangs
                if (w.claim()) { // else its thread started after all and runs the job
                    release();
                    job.fail(noThread);
                }
            }
        }
    }

    // ---------------------------------------------------------------- Engine

    @Override
    public void execute(Job job) {
        if (state != OPEN) {
            throw rejected();
        }
        if (slotFree() && queue.isEmpty() && tryAcquire()) {
            Worker w = new Worker(job);
            try {
                startThread(w);
            } catch (RuntimeException | Error noThread) { // out of memory or threads: this submit fails
                if (!w.claim()) {
                    return; // its thread started after all: the job runs, the submit stands
                }
                release();
                drain();
                throw noThread;
            }
            return;
        }
        queue.offerLast(job);
        if (state != OPEN && queue.removeLastOccurrence(job)) { // shut down meanwhile, and nobody took it
            tryTerminate();
            throw rejected();
        }
        drain();
    }

    private RejectedExecutionException rejected() {
        return new RejectedExecutionException("background pool '" + poolName + "' is shut down and takes no new tasks");
    }

    /**
     * Changes n at once; then starts queued jobs if it was a raise. A lowering interrupts nobody:
     * surplus workers give their slots back as their jobs end.
     */
    @Override
    public void resize(int n) {
        for (long c = ctl; c != TERMINATED; c = ctl) {
            if (CTL.compareAndSet(this, c, pack(n, heldOf(c)))) {
                break;
            }
        }
        drain();
    }

    @Override
    public void shutdown() {
        STATE.compareAndSet(this, OPEN, SHUTDOWN);
        tryTerminate();
    }

    @Override
    public List<Job> shutdownNow() {
        state = STOPPED;
        List<Job> neverStarted = new ArrayList<>();
        for (Runnable handedOver : interruptWorkers()) {
            Worker w = (Worker) handedOver;
            if (w.claim()) {
                neverStarted.add(w.first); // taken from the queue first: the oldest
                release();
            }
        }
        for (Job job = queue.pollFirst(); job != null; job = queue.pollFirst()) {
            neverStarted.add(job);
        }
        tryTerminate();
        return neverStarted;
    }

    private void tryTerminate() {
        for (long c = ctl; state != OPEN && heldOf(c) == 0 && queue.isEmpty(); c = ctl) {
            if (CTL.compareAndSet(this, c, TERMINATED)) {
                terminated.countDown();
                onTerminated();
                return;
            }
        }
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }

    @Override
    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    // ---------------------------------------------------------------- workers

    /**
     * For a worker holding a slot: the job to run next, still holding the slot, or null once it
     * has given the slot back. {@code taken} is a job the worker already has (its first, handed
     * over with the slot by {@link #execute} or {@link #drain}); null to take one from the queue.
     * The limit is checked after the job is in hand and before it begins: a lowering since the
     * slot was taken (even by a submit, before this thread started) sends the job back to the
     * head of the queue and the slot back to the pool.
     */
    private @Nullable Job next(@Nullable Job taken) {
        while (true) {
            Job job = taken;
            taken = null;
            if (job == null && state != STOPPED && !surplus()) {
                job = queue.pollFirst();
            }
            if (job != null) {
                if (state == STOPPED || !surplus()) {
                    return job; // taken before any stop: a running job, interrupted if stopped
                }
                try {
                    queue.offerFirst(job); // n was lowered since the slot was taken
                    if (state == STOPPED && queue.removeFirstOccurrence(job)) {
                        return job; // shutdownNow emptied the queue before the job went back: it runs, interrupted
                    }
                } catch (RuntimeException | Error noRoom) { // out of memory for the node: the job fails, is not lost
                    job.fail(noRoom);
                }
            }
            release();
            if (state == STOPPED || queue.isEmpty() || !tryAcquire()) {
                return null;
            }
        }
    }

    private void runOne(Job job) {
        Thread.interrupted(); // a status a previous job left set is not for this one
        if (state == STOPPED) {
            Thread.currentThread().interrupt();
        }
        job.run(); // never throws: TaskFuture catches everything
    }

    /** Runs jobs while it holds a slot; holds one from its start. */
    final class Worker implements Runnable {
        /** The first job; read by {@link #shutdownNow} only for a worker that never ran. */
        private @Nullable Job first;
        /**
         * Set by whoever takes charge of the worker's slot and first job: its thread, as it
         * starts, or the clean-up after a failed start or a {@link #shutdownNow} that returned
         * it. Once each, so a slot is never given back twice.
         */
        private volatile boolean claimed;

        Worker(Job first) {
            this.first = first;
        }

        boolean claim() {
            return CLAIMED.compareAndSet(this, false, true);
        }

        @Override
        public void run() {
            if (!claim()) {
                return; // its start failed, or shutdownNow returned it: the slot and job were dealt with
            }
            Job job = first;
            first = null; // not kept reachable for as long as the worker runs
            boolean holding = true;
            try {
                for (job = next(job); job != null; job = next(null)) {
                    runOne(job);
                }
                holding = false;
            } finally {
                if (holding) { // a job threw after all (an Error of the JVM's own): the slot must not go with it
                    release();
                    drain();
                }
            }
        }
    }

    @Override
    public String toString() {
        long c = ctl;
        return getClass().getSimpleName() + "[" + poolName + ", n=" + nOf(c) + ", running=" + heldOf(c) + ", queued="
                + queue.size() + "]";
    }
}

package dev.background.internal;

import dev.background.spi.Engine;
import dev.background.spi.Job;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The virtual-thread engine: a virtual thread is started per job while fewer than {@code n} run,
 * and a thread that ends its job takes the next queued one, if any, instead of ending. Unlike a
 * {@code ThreadPoolExecutor} on virtual threads, no idle worker ever waits on the queue: threads
 * exist only while there is work, which is what virtual threads are for, and 100,000 sleeping
 * tasks cost 100,000 thread starts and nothing else.
 *
 * <p>Maintainers' overview. One lock guards {@code queue}, {@code running}, {@code n} and
 * {@code shutdown}; threads are started outside it. Invariant: {@code running} counts threads that
 * hold a job or are about to take one; it exceeds {@code n} only after a lowering, and then every
 * thread that ends its job leaves instead of taking another, so lowering interrupts nobody.
 * Termination is when {@code shutdown} and {@code running == 0} and the queue is empty (the last
 * thread to leave, or {@code shutdown()} itself, opens the latch). {@code threads} holds the live
 * threads only for {@link #shutdownNow()}'s interrupts. Interrupts meant for one job do not reach
 * the next on the same thread: {@link TaskFuture#run()} clears those it sent, and the loop clears
 * any status a job left set, as {@code ThreadPoolExecutor} does between tasks.
 */
final class VirtualEngine implements Engine {
    private final String poolName;
    private final ThreadFactory threads;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    private final Set<Thread> live = ConcurrentHashMap.newKeySet();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private int running;
    private int n;
    private boolean shutdown;

    VirtualEngine(String poolName, int n) {
        this.poolName = poolName;
        this.n = n;
        this.threads = Thread.ofVirtual().name("background-" + poolName + "-", 1).factory();
    }

    @Override
    public void execute(Job job) {
        lock.lock();
        try {
            if (shutdown) {
                throw new RejectedExecutionException("background pool '" + poolName + "' is shut down and takes no new tasks");
            }
            if (running >= n) {
                queue.addLast(job);
                return;
            }
            running++;
        } finally {
            lock.unlock();
        }
        start(job);
    }

    private void start(Job first) {
        Thread t = threads.newThread(() -> runFrom(first));
        live.add(t);
        t.start();
    }

    private void runFrom(Job first) {
        try {
            for (Job job = first; job != null; job = next()) {
                Thread.interrupted(); // a status a previous job left set is not for this one
                job.run(); // never throws: TaskFuture catches everything
            }
        } finally {
            live.remove(Thread.currentThread());
        }
    }

    /** The next job for a thread that ended one, or null if it should leave (and then it has left). */
    private Job next() {
        lock.lock();
        try {
            if (running <= n) {
                Job job = queue.pollFirst();
                if (job != null) {
                    return job;
                }
            }
            running--;
            if (shutdown && running == 0 && queue.isEmpty()) {
                terminated.countDown();
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void resize(int newN) {
        List<Job> toStart = new ArrayList<>();
        lock.lock();
        try {
            n = newN;
            while (running < n && !queue.isEmpty()) {
                running++;
                toStart.add(queue.pollFirst());
            }
        } finally {
            lock.unlock();
        }
        toStart.forEach(this::start);
    }

    @Override
    public void shutdown() {
        lock.lock();
        try {
            shutdown = true;
            if (running == 0 && queue.isEmpty()) {
                terminated.countDown();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Job> shutdownNow() {
        List<Job> neverStarted;
        lock.lock();
        try {
            shutdown = true;
            neverStarted = new ArrayList<>(queue);
            queue.clear();
            if (running == 0) {
                terminated.countDown();
            }
        } finally {
            lock.unlock();
        }
        for (Thread t : live) {
            t.interrupt();
        }
        return neverStarted;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }

    @Override
    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "VirtualEngine[" + poolName + ", n=" + n + ", running=" + running + ", queued=" + queue.size() + "]";
        } finally {
            lock.unlock();
        }
    }
}

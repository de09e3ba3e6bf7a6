package dev.background.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;

/**
 * The virtual-thread engine: {@link InJvmEngine} with a new virtual thread for each worker. A
 * worker runs queued jobs one after the other while it holds its slot and ends when the queue is
 * empty. Unlike a {@code ThreadPoolExecutor} on virtual threads, no idle worker ever waits on the
 * queue: threads exist only while there is work, which is what virtual threads are for, and
 * 100,000 sleeping tasks cost 100,000 thread starts and nothing else.
 *
 * <p>{@code live} holds the running worker threads, only for {@link #interruptWorkers()}; a thread
 * adds itself when it starts, so one that {@code shutdownNow} misses starts its job after the stop
 * and interrupts itself ({@link InJvmEngine}'s workers do).
 */
final class VirtualEngine extends InJvmEngine {
    private final ThreadFactory threads;
    private final Set<Thread> live = ConcurrentHashMap.newKeySet();

    VirtualEngine(String poolName, int n) {
        super(poolName, n);
        this.threads = Thread.ofVirtual()
                .inheritInheritableThreadLocals(false) // a worker must not carry its starter's values
                .name("background-" + poolName + "-", 1)
                .factory();
    }

    @Override
    void startThread(Runnable worker) {
        threads.newThread(() -> {
                    Thread self = Thread.currentThread();
                    live.add(self);
                    try {
                        worker.run();
                    } finally {
                        live.remove(self);
                    }
                })
                .start();
    }

    @Override
    List<Runnable> interruptWorkers() {
        live.forEach(Thread::interrupt);
        return List.of();
    }
}

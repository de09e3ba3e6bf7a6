package dev.background.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Python's exit behaviour: when the JVM begins to exit (main returned and only daemon threads
 * are left, or {@code System.exit}), wait for every task already submitted to every open pool,
 * then let the JVM go. Workers are daemons, so an idle library never keeps the JVM alive, and
 * daemon threads go on running while shutdown hooks run, so the queued work gets done.
 *
 * <p>One hook for all pools, installed with the first pool; a pool leaves the set when it
 * terminates through {@code close}. Tasks submitted after the exit began are rejected.
 */
final class ExitGuard {
    private static final Set<PoolCore> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(Thread.ofPlatform().name("background-exit").unstarted(ExitGuard::awaitAll));
    }

    private ExitGuard() {}

    static void register(PoolCore pool) {
        OPEN.add(pool);
    }

    static void unregister(PoolCore pool) {
        OPEN.remove(pool);
    }

    private static void awaitAll() {
        for (PoolCore pool : OPEN) {
            pool.shutdown();
        }
        for (PoolCore pool : OPEN) {
            try {
                while (!pool.awaitTermination(1, TimeUnit.DAYS)) {
                    // keep waiting, like Python's interpreter exit
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}

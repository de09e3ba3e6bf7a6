package dev.background.cluster.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells whether the JVM would exit but for the pools' Hazelcast clients: the program's
 * {@code main} has returned (the launcher's {@code DestroyJavaVM} thread waits for the last
 * non-daemon thread) and every non-daemon thread left is a thread of one of the clients. Hazelcast
 * makes its threads non-daemon, with no setting to change that, so without this check a program
 * that returns from {@code main} with a cluster pool open would never end; with it, each pool's
 * engine shuts itself down once it is idle, its client closes, and the JVM begins to exit (where
 * core's exit guard waits for whatever is left, as on the other kinds).
 *
 * <p>Thread-safe: the registry is a concurrent set; {@link #onlyClientsLeft} takes a snapshot of
 * the JVM's platform threads (platform threads only: virtual threads are daemons; called from the engines' housekeeping tick).
 */
final class ExitWatch {
    /** The open clients' instance names, each followed by a dot: their threads are named {@code [hz.]INSTANCE.*}. */
    private static final Set<String> CLIENTS = ConcurrentHashMap.newKeySet();

    private ExitWatch() {}

    static void register(String instanceName) {
        CLIENTS.add(instanceName + ".");
    }

    static void unregister(String instanceName) {
        CLIENTS.remove(instanceName + ".");
    }

    /** True if main has returned and only the clients' threads keep the JVM alive. */
    static boolean onlyClientsLeft() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 32];
        int count = root.enumerate(threads, true);
        boolean mainReturned = false;
        for (int i = 0; i < count; i++) {
            Thread t = threads[i];
            if (t.getName().equals("DestroyJavaVM")) {
                mainReturned = true;
            } else if (!t.isDaemon() && t.isAlive() && !ours(t.getName())) {
                return false;
            }
        }
        return mainReturned;
    }

    private static boolean ours(String name) {
        String n = name.startsWith("hz.") ? name.substring(3) : name;
        for (String p : CLIENTS) {
            if (n.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}

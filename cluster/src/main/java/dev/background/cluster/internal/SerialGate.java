package dev.background.cluster.internal;

import java.io.ObjectInputFilter;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Shuts Java deserialisation in a worker's JVM except where {@link #open} opens it: around the
 * deserialisation of a task that has been opened with the cluster's secret. Hazelcast
 * deserialises whatever object a client submits to an executor before any code of ours sees it;
 * with the gate installed, a Java-serialised object that anyone but a holder of the secret
 * sends is refused by the JDK's deserialisation filter before a single class of it is loaded.
 *
 * <p>Installed as the JVM-wide filter factory ({@link ObjectInputFilter.Config#setSerialFilterFactory}),
 * which the JDK allows once, and only before the JVM's first {@code ObjectInputStream}: a worker's
 * entry points install it first thing. Within an opened section, the JVM-wide filter (if any) and
 * Hazelcast's own allowlist still apply.
 *
 * <p>Maintainers: the state is a thread-local flag, set only around {@link #open}'s action, on the
 * thread that deserialises; Hazelcast's operation threads never have it set.
 */
public final class SerialGate {
    private static final ThreadLocal<Boolean> OPEN = new ThreadLocal<>();
    private static boolean installed;

    private SerialGate() {}

    /**
     * Installs the gate in this JVM, if it is not yet.
     *
     * @return true if the gate is installed (now or before), false if the JVM no longer allows it
     *     (a filter factory was set, or an {@code ObjectInputStream} was created, before)
     */
    public static synchronized boolean install() {
        if (!installed) {
            try {
                ObjectInputFilter.Config.setSerialFilterFactory((current, requested) -> gate(requested));
                installed = true;
            } catch (IllegalStateException tooLate) {
                return false;
            }
        }
        return true;
    }

    /** Runs {@code action} with Java deserialisation open on this thread. */
    static <T> T open(Supplier<T> action) {
        OPEN.set(Boolean.TRUE);
        try {
            return action.get();
        } finally {
            OPEN.remove();
        }
    }

    private static ObjectInputFilter gate(@Nullable ObjectInputFilter inner) {
        return info -> {
            if (OPEN.get() == null) {
                return ObjectInputFilter.Status.REJECTED;
            }
            return inner == null ? ObjectInputFilter.Status.UNDECIDED : inner.checkInput(info);
        };
    }
}

package dev.background;

/**
 * The handle of a registered callback: {@link #remove()} (or {@link #close()}, for
 * try-with-resources) unregisters it. Tasks that end afterwards no longer run it; a run already
 * under way finishes.
 */
public interface Registration extends AutoCloseable {

    /** Removes the callback. Idempotent. */
    void remove();

    /** Same as {@link #remove()}. */
    @Override
    default void close() {
        remove();
    }
}

package dev.background.cluster;

/**
 * Attached as a {@linkplain Throwable#getSuppressed() suppressed exception} to the failure of a
 * task that ran on a cluster member: its message says which member ran the task, and its stack
 * trace is where the task was submitted in the submitting JVM (the failure's own stack trace is
 * the remote one). Never thrown on its own.
 */
public final class SubmitSite extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the marker.
     *
     * @param message which task, which member
     * @param site the submit site's frames
     */
    public SubmitSite(String message, StackTraceElement[] site) {
        super(message, null, false, true);
        setStackTrace(site);
    }
}

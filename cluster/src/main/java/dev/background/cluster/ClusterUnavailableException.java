package dev.background.cluster;

/**
 * No worker member of the cluster could be reached for longer than the kind's
 * {@linkplain ClusterKind.Builder#memberWait(java.time.Duration) member wait}: the tasks that were
 * waiting for a member fail with this, and so do tasks submitted while the outage lasts. A task
 * that fails with it may have run (fully or in part) on a member that then vanished.
 */
public class ClusterUnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which cluster, since when, and what to do
     */
    public ClusterUnavailableException(String message) {
        super(message);
    }
}

package dev.background.internal.remote;

/**
 * The send-ahead policy of a {@link RemoteDispatcher}: how many calls it sends to a worker beyond
 * what the worker runs at once, so that the worker's threads do not wait a round trip between two
 * short calls. Either a fixed number the user chose, or an automatic rule (the cluster kind's
 * default), below in a member's terms.
 *
 * <p>The automatic rule is the bandwidth-delay product of the link: a member that runs {@code c}
 * tasks at once, each taking {@code S} on the member, and a round trip that adds {@code R} of
 * network and client work, stays busy when {@code c × R / S} tasks wait in its queue. So tiny
 * tasks get a deep queue (up to {@link #MAX_AUTO}), and tasks much longer than a round trip get
 * none, which keeps them free to go to whichever member frees up first and keeps their time
 * limits close to their run time. Sending ahead only happens to a member whose worker runs no
 * more tasks at once than the pool's {@code n}: tasks sent ahead then wait in the member's queue,
 * and {@code n} stays exact.
 *
 * <p>{@code S} is an estimate that jumps up at once on a long task and decays slowly, so that a
 * pool mixing short and long tasks is paced for the long ones. {@code R} is only sampled from
 * tasks sent while the member had a free thread, so the time they waited in its queue does not
 * feed back into the estimate.
 *
 * <p>Not thread-safe: the dispatcher calls it under its lock.
 */
final class Pacing {
    /** The most tasks sent ahead to one member by the automatic rule. */
    static final int MAX_AUTO = 256;
    /** Shorter service times count as this much (tasks never take zero time on a member). */
    private static final double MIN_SERVICE_NANOS = 1_000;

    private static final double DECAY = 1.0 / 16;

    /** The user's fixed prefetch, or -1 for the automatic rule. */
    private final int fixed;

    private double service = Double.NaN;
    private double overhead = Double.NaN;

    /**
     * Creates a send-ahead policy.
     *
     * @param fixed tasks to send ahead to every member, or -1 for the automatic rule
     */
    Pacing(int fixed) {
        this.fixed = fixed;
    }

    /**
     * Takes one answered task into account.
     *
     * @param serviceNanos how long the member's thread spent on the task; negative for a task
     *     that never ran (interrupted before it began), which is no sample
     * @param totalNanos from the send to the answer, seen by the client, less any time the answer
     *     was held on the member for other tasks
     * @param clean whether the member had a free thread when the task was sent
     */
    void answered(long serviceNanos, long totalNanos, boolean clean) {
        if (serviceNanos < 0) {
            return;
        }
        double s = Math.max((double) serviceNanos, MIN_SERVICE_NANOS);
        service = Double.isNaN(service) || s > service ? s : service + (s - service) * DECAY;
        if (clean) {
            double o = Math.max(0, totalNanos - serviceNanos);
            overhead = Double.isNaN(overhead) ? o : overhead + (o - overhead) * DECAY;
        }
    }

    /**
     * Tasks to send ahead to a member.
     *
     * @param n the pool's n: tasks the pool runs at once on each member
     * @param workerThreads the member's own limit ({@code background worker --n})
     * @return tasks to send beyond {@code n}, at least 0
     */
    int prefetch(int n, int workerThreads) {
        if (fixed >= 0) {
            return fixed;
        }
        if (workerThreads > n || Double.isNaN(service) || Double.isNaN(overhead)) {
            return 0;
        }
        double ahead = workerThreads * overhead / service;
        return (int) Math.min(MAX_AUTO, Math.round(ahead));
    }

    /**
     * How many calls a worker may run one after another on one thread, sent and answered as one
     * message, without holding the first one's answer back by more than a round trip: the round
     * trip over the service time, rounded down; 1 (no such runs) until both are known. Since the
     * service time jumps up at once on a long call, a pool that mixes long and short calls gets 1.
     *
     * @return at least 1, at most {@link #MAX_AUTO}
     */
    int inRow() {
        if (Double.isNaN(service) || Double.isNaN(overhead)) {
            return 1;
        }
        return (int) Math.max(1, Math.min(MAX_AUTO, Math.floor(overhead / service)));
    }

    @Override
    public String toString() {
        return fixed >= 0
                ? "prefetch " + fixed
                : String.format(
                        java.util.Locale.ROOT,
                        "auto prefetch (service %.0f µs, round trip %.0f µs)",
                        service / 1e3,
                        overhead / 1e3);
    }
}

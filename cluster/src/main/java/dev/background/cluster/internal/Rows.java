package dev.background.cluster.internal;

import java.util.BitSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * One member's rows of calls ({@link RemoteBatch}), by id, so that an interrupt
 * ({@link BatchCancel}) reaches one call of one row: the running call is interrupted, one not yet
 * begun never begins, even while its row still waits in the executor's queue, and one that ended
 * is left alone. Kept in the member's user context ({@link Wire#ROWS}).
 *
 * <p>Maintainers' overview. {@link #runs} maps the id of each row being run, or interrupted
 * before it began, to its {@link Run}. A row that begins takes over the run an early interrupt
 * made ({@code compute}: the two cannot both make one, whatever the order), and at its end is
 * first remembered as ended ({@link #ended}), then removed, so that an interrupt arriving
 * between the two finds one or the other and makes no run. Early runs never taken over (their
 * row ended before they came and was forgotten, or never comes: anyone may send an interrupt)
 * expire after {@link #earlyNanos} and are capped at {@link #maxEarly}; the sweep removes each
 * one under its key's lock ({@code computeIfPresent}), so that it cannot remove one a row is
 * taking over. A run's monitor orders a call's beginning and end against an interrupt, so that
 * an interrupt meant for one call never reaches the next: the running thread clears its interrupt
 * status under the monitor as it ends a call, and an interrupt is only delivered under it to the
 * call that is running. The ring of ended ids has its own monitor.
 */
public final class Rows {
    /** The most calls in one row; a row is at most the send-ahead rule's deepest queue, 256. */
    static final int MAX_CALLS = 1024;

    private final Map<UUID, Run> runs = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    private final long earlyNanos;
    private final int maxEarly;
    /** The ids of the rows that ended last, oldest first from {@link #endedAt}, and as a set. */
    private final UUID[] ended;

    private final Set<UUID> endedSet = ConcurrentHashMap.newKeySet();
    // ended's monitor
    private int endedAt;

    /**
     * A member's rows: interrupts for rows not begun are kept as long as the seal window, at most
     * 4,096 of them; the last 8,192 rows that ended are remembered, so that an interrupt that
     * comes after its row ended (its answer still on its way) keeps nothing.
     */
    public Rows() {
        this(System::nanoTime, TimeUnit.MILLISECONDS.toNanos(Sealer.WINDOW_MILLIS), 4096, 8192);
    }

    Rows(LongSupplier nanoTime, long earlyNanos, int maxEarly, int endedKept) {
        this.nanoTime = nanoTime;
        this.earlyNanos = earlyNanos;
        this.maxEarly = maxEarly;
        this.ended = new UUID[endedKept];
    }

    /**
     * A row of {@code calls} calls begins on this thread, taking over what interrupts came for it
     * before.
     */
    Run begin(UUID id, int calls) {
        Run[] mine = new Run[1];
        runs.compute(id, (k, known) -> {
            if (known != null && !known.started()) {
                mine[0] = known.start(calls);
                return known;
            }
            mine[0] = new Run(nanoTime.getAsLong()).start(calls);
            // A second row of a running one's id (without a secret, nothing refuses a copy): it
            // runs, but interrupts by id reach the first.
            return known == null ? mine[0] : known;
        });
        return mine[0];
    }

    /** The row {@code id}, begun as {@code run}, ended. */
    void end(UUID id, Run run) {
        synchronized (ended) {
            UUID oldest = ended[endedAt];
            if (oldest != null) {
                endedSet.remove(oldest);
            }
            ended[endedAt] = id;
            endedSet.add(id);
            endedAt = (endedAt + 1) % ended.length;
        }
        runs.remove(id, run);
    }

    /**
     * Interrupts call {@code index} of the row {@code id}: the call, if it is running; if it has
     * not begun, it never will, even if the row has not begun here yet (the interrupt is kept for
     * it, for a while).
     *
     * @return true if the interrupt was taken; false if there is no such call, the row has ended
     *     (nothing left to interrupt; its answer is on its way), or too many interrupts wait for
     *     rows not begun (the sender asks again, until the row's answer comes)
     */
    boolean interrupt(UUID id, int index) {
        if (index < 0 || index >= MAX_CALLS) {
            return false;
        }
        Run run = runs.get(id);
        if (run == null) {
            if (endedSet.contains(id)) {
                return false;
            }
            long now = nanoTime.getAsLong();
            if (early(now) >= maxEarly) {
                return false;
            }
            run = runs.computeIfAbsent(id, k -> new Run(now));
        }
        run.interrupt(index);
        return true;
    }

    /** Drops the expired early runs, each under its key's lock, and counts those left. */
    private int early(long now) {
        int left = 0;
        for (UUID id : runs.keySet()) {
            Run r = runs.computeIfPresent(id, (k, run) -> run.expired(now, earlyNanos) ? null : run);
            if (r != null && !r.started()) {
                left++;
            }
        }
        return left;
    }

    /** How many rows run or wait for their interrupted calls; for tests. */
    int size() {
        return runs.size();
    }

    /**
     * Which call of a row runs, and which were interrupted before they began; made by the first
     * interrupt if that comes before the row begins, then taken over by the row.
     */
    static final class Run {
        private final BitSet interrupted = new BitSet();
        private final long created;
        /** The thread that runs the row; null until it begins. */
        private @Nullable Thread runner;
        /** How many calls the row has; unknown (-1) until it begins. */
        private int calls = -1;
        /** The call running or about to, and whether it runs. */
        private int at;

        private boolean running;

        Run(long createdNanos) {
            this.created = createdNanos;
        }

        /** The row begins on this thread, with {@code calls} calls; returns this. */
        synchronized Run start(int calls) {
            this.calls = calls;
            this.runner = Thread.currentThread();
            return this;
        }

        synchronized boolean started() {
            return runner != null;
        }

        /** Whether this was made by an interrupt before its row began, more than {@code earlyNanos} before {@code now}. */
        synchronized boolean expired(long now, long earlyNanos) {
            return runner == null && now - created > earlyNanos;
        }

        /** Whether call {@code index} may begin: it was not interrupted before. */
        synchronized boolean begin(int index) {
            at = index;
            running = !interrupted.get(index);
            return running;
        }

        /** Call {@code index} ended: an interrupt meant for it must not reach the next. */
        synchronized void end(int index) {
            running = false;
            at = index + 1;
            Thread.interrupted();
        }

        synchronized void interrupt(int index) {
            if (index < 0 || index >= MAX_CALLS || (calls >= 0 && index >= calls) || index < at) {
                return; // not a call of this row, or ended
            }
            Thread r = runner;
            if (index == at && running && r != null) {
                r.interrupt();
            } else {
                interrupted.set(index);
            }
        }
    }
}

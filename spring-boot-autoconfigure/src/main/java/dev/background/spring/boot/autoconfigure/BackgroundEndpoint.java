package dev.background.spring.boot.autoconfigure;

import dev.background.BackgroundPool;
import dev.background.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The Actuator endpoint {@code background} ({@code /actuator/background} once exposed with
 * {@code management.endpoints.web.exposure.include}): every pool with its kind, n, pending tasks
 * (running and queued apart), workers or members present for remote pools, and recent failures.
 * Reads moments' snapshots; takes no lock the pools use, and costs the pools nothing per task.
 */
@Endpoint(id = "background")
public final class BackgroundEndpoint {

    /** How many recent failures a pool lists. */
    static final int RECENT_FAILURES = 10;

    private final BackgroundPools pools;

    BackgroundEndpoint(BackgroundPools pools) {
        this.pools = pools;
    }

    /**
     * Describes every pool.
     *
     * @return the pools by name, each a map of its figures; see the class comment
     */
    @ReadOperation
    public Map<String, Object> pools() {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> each = new LinkedHashMap<>();
        pools.all().forEach((name, pool) -> each.put(name, describe(pool, pools.present(name))));
        out.put("pools", each);
        return out;
    }

    static Map<String, Object> describe(BackgroundPool pool, @Nullable Integer present) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("kind", pool.kind().name());
        d.put("n", pool.n());
        d.put("pending", pool.pending());
        // Every pending task is in the pool's list while it keeps one (keep-results > 0): the
        // unsettled ones among them run if started, else wait. Not pending less running: pending
        // counts a settled task until its callbacks return. Without the list, pending is all there is.
        List<Task<?>> tasks = pool.results();
        if (!tasks.isEmpty()) {
            long running = 0;
            long queued = 0;
            for (Task<?> t : tasks) {
                if (t.state() == Future.State.RUNNING) {
                    if (t.timings().started() != null) {
                        running++;
                    } else {
                        queued++;
                    }
                }
            }
            d.put("running", running);
            d.put("queued", queued);
        }
        if (present != null) {
            d.put(workersKey(pool), present);
        }
        d.put("shutdown", pool.isShutdown());
        d.put("recentFailures", recentFailures(pool));
        return d;
    }

    /** {@code members} for a cluster's pool, {@code workers} for others: what a remote pool has present. */
    static String workersKey(BackgroundPool pool) {
        return pool.kind().name().equals("cluster") ? "members" : "workers";
    }

    /**
     * The last failures among the tasks the pool keeps ({@code keep-results}), newest first. Read
     * from the pool's own list, so that the endpoint costs nothing per task.
     */
    static List<Map<String, Object>> recentFailures(BackgroundPool pool) {
        List<Task<?>> tasks = pool.results();
        List<Map<String, Object>> failures = new ArrayList<>();
        for (int i = tasks.size() - 1; i >= 0 && failures.size() < RECENT_FAILURES; i--) {
            Task<?> t = tasks.get(i);
            if (t.state() == Future.State.FAILED) {
                Throwable e = t.exceptionNow();
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("task", t.name());
                f.put("exception", e.getClass().getName());
                f.put("message", String.valueOf(e.getMessage()));
                failures.add(f);
            }
        }
        return failures;
    }
}

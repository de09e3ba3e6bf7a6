package dev.background.spring.boot.autoconfigure;

import dev.background.BackgroundPool;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the pools ({@code background} in {@code /actuator/health}): UP while every pool
 * accepts tasks; DOWN when one was shut down while the application runs; OUT_OF_SERVICE once the
 * application is stopping. Details: each pool's kind, n and pending tasks, and for a pool of
 * worker processes or a cluster the workers ready or members joined at this moment
 * ({@code workers}, {@code members}; worker processes that start the application count once it
 * has started). A remote pool without workers is not DOWN: workers start as tasks need them
 * unless the pool is eager, and a cluster's members come and go.
 */
final class BackgroundHealthIndicator extends AbstractHealthIndicator {

    private final BackgroundPools pools;

    BackgroundHealthIndicator(BackgroundPools pools) {
        super("Background pools health check failed");
        this.pools = pools;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean anyShutdown = false;
        for (var entry : pools.all().entrySet()) {
            BackgroundPool pool = entry.getValue();
            anyShutdown |= pool.isShutdown();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("kind", pool.kind().name());
            details.put("n", pool.n());
            details.put("pending", pool.pending());
            details.put("shutdown", pool.isShutdown());
            Integer present = pools.present(entry.getKey());
            if (present != null) {
                details.put(BackgroundEndpoint.workersKey(pool), present);
            }
            builder.withDetail(entry.getKey(), details);
        }
        if (!pools.isRunning()) {
            builder.outOfService();
        } else if (anyShutdown) {
            builder.down();
        } else {
            builder.up();
        }
    }
}

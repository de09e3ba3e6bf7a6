package dev.background.spring.boot.autoconfigure;

import dev.background.BackgroundPool;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the pools ({@code background} in {@code /actuator/health}): UP while every pool
 * accepts tasks; DOWN when one was shut down while the application runs; OUT_OF_SERVICE once the
 * application is stopping. Details: each pool's kind, n and pending tasks.
 * TODO(issue 11): workers or members present, once the pools tell them.
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
            builder.withDetail(
                    entry.getKey(),
                    java.util.Map.of(
                            "kind", pool.kind().name(),
                            "n", pool.n(),
                            "pending", pool.pending(),
                            "shutdown", pool.isShutdown()));
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

package dev.background.spring.boot.autoconfigure;

import dev.background.micrometer.BackgroundMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * With Micrometer: each pool's figures as gauges in the application's {@link MeterRegistry}
 * (Spring Boot binds every {@link MeterBinder} bean): {@code background.pool.n} and
 * {@code background.pool.pending}, tagged {@code pool} and {@code kind}. Read when the registry
 * is scraped: nothing per task. With {@code background-micrometer} on the class path, each pool is
 * also bound through {@link BackgroundMetrics}: Micrometer's executor meters
 * ({@code executor.completed}, {@code executor.active}, {@code executor.queued},
 * {@code executor.pool.size}) and per-function timers, tagged {@code name} with the pool's name.
 */
@AutoConfiguration(after = BackgroundAutoConfiguration.class)
@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
@ConditionalOnBean(BackgroundPools.class)
public final class BackgroundMetricsAutoConfiguration {

    BackgroundMetricsAutoConfiguration() {}

    @Bean
    static MeterBinder backgroundPoolMeters(BackgroundPools pools) {
        return registry -> pools.all().forEach((name, pool) -> {
            Gauge.builder("background.pool.n", pool, p -> p.n())
                    .description("How many tasks the pool runs at once")
                    .tag("pool", name)
                    .tag("kind", pool.kind().name())
                    .register(registry);
            Gauge.builder("background.pool.pending", pool, p -> p.pending())
                    .description("Tasks submitted and not ended: queued or running")
                    .tag("pool", name)
                    .tag("kind", pool.kind().name())
                    .register(registry);
        });
    }

    /** Micrometer's executor conventions and per-function timers, from {@code background-micrometer}. */
    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "dev.background.micrometer.BackgroundMetrics")
    static final class ExecutorMeters {

        ExecutorMeters() {}

        @Bean
        static PoolExecutorMeters backgroundExecutorMeters(BackgroundPools pools) {
            return new PoolExecutorMeters(pools);
        }
    }

    /**
     * Binds every pool with {@link BackgroundMetrics} when the registry binds it; stops watching
     * the pools when the application context closes.
     */
    static final class PoolExecutorMeters implements MeterBinder, DisposableBean {
        private final BackgroundPools pools;
        private final List<BackgroundMetrics> bound = new CopyOnWriteArrayList<>();

        PoolExecutorMeters(BackgroundPools pools) {
            this.pools = pools;
        }

        @Override
        public void bindTo(MeterRegistry registry) {
            pools.all().values().forEach(pool -> {
                BackgroundMetrics metrics = BackgroundMetrics.of(pool);
                metrics.bindTo(registry);
                bound.add(metrics);
            });
        }

        @Override
        public void destroy() {
            bound.forEach(BackgroundMetrics::close);
        }
    }
}

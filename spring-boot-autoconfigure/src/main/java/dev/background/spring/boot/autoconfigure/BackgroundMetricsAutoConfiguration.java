package dev.background.spring.boot.autoconfigure;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * With Micrometer: each pool's figures as gauges in the application's {@link MeterRegistry}
 * (Spring Boot binds every {@link MeterBinder} bean): {@code background.pool.n} and
 * {@code background.pool.pending}, tagged {@code pool} and {@code kind}. Read when the registry
 * is scraped: nothing per task.
 * TODO(issue 11): bind the observe module's meters (executor conventions, per-function timers)
 * instead, once it lands.
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
}

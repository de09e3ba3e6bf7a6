package dev.background.spring.boot.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With Spring Boot Actuator: the {@code background} endpoint and health indicator. Each part
 * turns on when its Spring module is on the classpath.
 */
@AutoConfiguration(after = BackgroundAutoConfiguration.class)
@ConditionalOnBean(BackgroundPools.class)
public final class BackgroundActuatorAutoConfiguration {

    BackgroundActuatorAutoConfiguration() {}

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
    static final class EndpointConfiguration {

        @Bean
        @ConditionalOnMissingBean
        static BackgroundEndpoint backgroundEndpoint(BackgroundPools pools) {
            return new BackgroundEndpoint(pools);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    @ConditionalOnEnabledHealthIndicator("background")
    static final class HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "backgroundHealthIndicator")
        static BackgroundHealthIndicator backgroundHealthIndicator(BackgroundPools pools) {
            return new BackgroundHealthIndicator(pools);
        }
    }
}

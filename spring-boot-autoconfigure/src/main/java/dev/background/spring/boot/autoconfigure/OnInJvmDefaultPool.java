package dev.background.spring.boot.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the default pool runs in this JVM (threads or virtual threads). An {@code @Async}
 * or {@code @Scheduled} method is a call on a Spring bean, which cannot travel to a worker process
 * or a cluster member; with a remote default pool, Spring Boot's own executor and scheduler stay.
 */
final class OnInJvmDefaultPool extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        PoolProperties.Kind kind = Binder.get(context.getEnvironment())
                .bind("background.kind", PoolProperties.Kind.class)
                .orElse(PoolProperties.Kind.THREADS);
        return switch (kind) {
            case THREADS, VIRTUAL_THREADS -> ConditionOutcome.match("background.kind is " + kind);
            case PROCESSES, CLUSTER ->
                ConditionOutcome.noMatch(
                        "background.kind is " + kind + ": @Async and @Scheduled methods are calls on Spring beans of"
                                + " this JVM and cannot run on a remote kind");
        };
    }
}

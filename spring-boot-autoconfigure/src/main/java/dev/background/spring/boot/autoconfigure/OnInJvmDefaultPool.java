package dev.background.spring.boot.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the default pool runs in this JVM (threads or virtual threads), or in a worker of
 * the application, where every pool does. With a remote default pool, Spring Boot's own executor
 * and scheduler stay: Spring hands them tasks that are calls on its beans, which cannot travel
 * (Spring MVC's asynchronous requests, {@code @Scheduled} methods); {@code @Async} methods are sent
 * to the pool as serialisable calls instead ({@link RemoteAsyncPostProcessor}).
 */
final class OnInJvmDefaultPool extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        if (WorkerApplication.isWorker(context.getEnvironment())) {
            return ConditionOutcome.match("a worker of the application runs every pool on threads");
        }
        PoolProperties.Kind kind = Binder.get(context.getEnvironment())
                .bind("background.kind", PoolProperties.Kind.class)
                .orElse(PoolProperties.Kind.THREADS);
        return switch (kind) {
            case THREADS, VIRTUAL_THREADS -> ConditionOutcome.match("background.kind is " + kind);
            case PROCESSES, CLUSTER ->
                ConditionOutcome.noMatch(
                        "background.kind is " + kind + ": Spring's own tasks and @Scheduled methods are calls on"
                                + " Spring beans of this JVM and cannot run on a remote kind");
        };
    }
}

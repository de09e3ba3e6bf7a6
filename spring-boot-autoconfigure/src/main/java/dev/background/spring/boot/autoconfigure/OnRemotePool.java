package dev.background.spring.boot.autoconfigure;

import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when a pool (the default or a named one) runs on worker processes or a cluster, except
 * in a worker of the application ({@link WorkerApplication}), where every pool runs on threads.
 * Reads only the kinds: a value that does not bind is reported by the binding of
 * {@link BackgroundProperties}, not here.
 */
class OnRemotePool extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Environment env = context.getEnvironment();
        if (WorkerApplication.isWorker(env)) {
            return ConditionOutcome.noMatch("a worker of the application runs every pool on threads");
        }
        PoolProperties.Kind defaultKind = defaultKind(env);
        if (isRemote(defaultKind)) {
            return ConditionOutcome.match("background.kind is " + defaultKind);
        }
        if (matchesNamedPools()) {
            Map<String, PoolProperties> pools;
            try {
                pools = Binder.get(env)
                        .bind("background.pools", Bindable.mapOf(String.class, PoolProperties.class))
                        .orElse(Map.of());
            } catch (RuntimeException e) { // the binding of BackgroundProperties reports it
                return ConditionOutcome.noMatch("background.pools does not bind: " + e.getMessage());
            }
            for (var pool : pools.entrySet()) {
                if (isRemote(pool.getValue().getKind())) {
                    return ConditionOutcome.match("background.pools." + pool.getKey() + ".kind is "
                            + pool.getValue().getKind());
                }
            }
        }
        return ConditionOutcome.noMatch("every pool runs on threads or virtual threads");
    }

    /** Whether named pools count; not for {@link Default}. */
    boolean matchesNamedPools() {
        return true;
    }

    private static PoolProperties.Kind defaultKind(Environment env) {
        try {
            return Binder.get(env)
                    .bind("background.kind", PoolProperties.Kind.class)
                    .orElse(PoolProperties.Kind.THREADS);
        } catch (BindException e) { // the binding of BackgroundProperties reports it
            return PoolProperties.Kind.THREADS;
        }
    }

    private static boolean isRemote(PoolProperties.Kind kind) {
        return kind == PoolProperties.Kind.PROCESSES || kind == PoolProperties.Kind.CLUSTER;
    }

    /** Matches when the default pool runs on worker processes or a cluster (not in a worker). */
    static final class Default extends OnRemotePool {
        @Override
        boolean matchesNamedPools() {
            return false;
        }
    }
}

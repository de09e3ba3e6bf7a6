package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@code Tasks} takes any {@link Task}, not only the library's own (which it watches through a
 * removable hook): a task of another implementation is waited for through its completion stage.
 */
class ForeignTaskTest {

    @SuppressWarnings({"unchecked", "ReferenceEquality"}) // the proxy's type is Task<Integer>; its equals is identity
    private static Task<Integer> foreign(CompletableFuture<Integer> f) {
        return (Task<Integer>) Proxy.newProxyInstance(
                Task.class.getClassLoader(), new Class<?>[] {Task.class}, (proxy, method, args) -> {
                    try {
                        return switch (method.getName()) {
                            case "name" -> "foreign";
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            case "toString" -> "foreign task";
                            default ->
                                CompletableFuture.class
                                        .getMethod(method.getName(), method.getParameterTypes())
                                        .invoke(f, args);
                        };
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void awaitSeesATaskOfAnotherImplementationEnd() {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        Task<Integer> task = foreign(f);
        Thread.ofPlatform().start(() -> f.complete(1));

        Tasks.Outcome<Task<Integer>> o = Tasks.await(List.of(task), Tasks.Until.ALL_COMPLETED, Duration.ofSeconds(30));

        assertThat(o.done()).containsExactly(task);
    }
}

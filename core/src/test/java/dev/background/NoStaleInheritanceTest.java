package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Guards against one request's context leaking into another's task: a pool thread must not carry
 * the {@link InheritableThreadLocal} values of whichever thread happened to start it.
 */
class NoStaleInheritanceTest {
    private static final InheritableThreadLocal<@Nullable String> REQUEST = new InheritableThreadLocal<>();

    private static BackgroundPool pool(String kind) {
        var builder = BackgroundPool.builder().name("inherit-" + kind).n(1).awaitTasksAtExit(false);
        return (kind.equals("virtual") ? builder.virtualThreads() : builder.threads()).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"threads", "virtual"})
    void aWarmPoolsTaskSeesNoValueOfTheRequestThatStartedItsThread(String kind) throws Exception {
        try (var pool = pool(kind)) {
            var first = new CompletableFuture<@Nullable String>();
            var release = new CountDownLatch(1);
            Thread request42 = Thread.ofPlatform().start(() -> {
                REQUEST.set("request-42");
                Task<@Nullable String> t = pool.run(() -> {
                    String seen = REQUEST.get();
                    release.await(); // keeps the worker alive, so the next call finds it warm
                    return seen;
                });
                t.whenComplete((v, e) -> first.complete(v));
            });
            request42.join();
            var second = new AtomicReference<Task<@Nullable String>>();
            Thread request43 = Thread.ofPlatform().start(() -> {
                REQUEST.set("request-43");
                second.set(pool.run(REQUEST::get));
            });
            request43.join();
            release.countDown();
            assertThat(first.get()).as("the task of request 42").isNull();
            assertThat(second.get().result(Duration.ofSeconds(30)))
                    .as("the task of request 43")
                    .isNull();
        }
    }
}

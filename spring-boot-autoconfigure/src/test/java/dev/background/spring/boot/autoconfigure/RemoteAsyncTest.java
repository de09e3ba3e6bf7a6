package dev.background.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.background.Task;
import dev.background.Tasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.BeansException;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.config.TaskManagementConfigUtils;

/**
 * {@code @Async} methods on a pool of worker processes, end to end with a real worker JVM that
 * starts this test's application ({@link RemoteApp}) in worker mode: the calls are sent with their
 * arguments, run on the bean in the worker, synchronously there, and their values, failures and
 * futures come back as the method's caller expects; a qualifier still picks an in-JVM pool.
 */
class RemoteAsyncTest {

    /** JVM options for short-lived workers, as the process kind's demo uses them. */
    private static final String QUICK_JVM = "-XX:TieredStopAtLevel=1,-XX:+UseSerialGC";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    BackgroundAutoConfiguration.class,
                    TaskExecutionAutoConfiguration.class,
                    TaskSchedulingAutoConfiguration.class));

    @TempDir
    Path dir;

    @Test
    void asyncMethodsOfARemoteDefaultPoolRunOnTheBeanInAWorkerOfTheApplication() {
        runner.withUserConfiguration(RemoteApp.class)
                .withPropertyValues(
                        "background.kind=processes",
                        "background.n=1",
                        "background.processes.jvm-options=" + QUICK_JVM,
                        "background.pools.io.kind=virtual-threads")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Remote remote = context.getBean(Remote.class);
                    long here = ProcessHandle.current().pid();

                    Task<String> where = remote.where("a");
                    String answer = where.result(Duration.ofSeconds(60));
                    // In another JVM, on the worker's task thread: @Async is off there, so the call ran in the task.
                    assertThat(answer).startsWith("a in ").doesNotStartWith("a in " + here + " ");
                    assertThat(answer).contains(" on background-worker/Remote.where(String)");
                    assertThat(where.name()).isEqualTo("Remote.where(String)");

                    CompletableFuture<Integer> twice = remote.twice(21);
                    assertThat(twice.get(60, TimeUnit.SECONDS)).isEqualTo(42);

                    // Many callers at once: each call gets its own answer.
                    try (ExecutorService callers = Executors.newFixedThreadPool(8)) {
                        List<Future<CompletableFuture<Integer>>> calls = new ArrayList<>();
                        for (int i = 0; i < 200; i++) {
                            int k = i;
                            calls.add(callers.submit(() -> remote.twice(k)));
                        }
                        for (int i = 0; i < calls.size(); i++) {
                            assertThat(calls.get(i).get().get(60, TimeUnit.SECONDS))
                                    .isEqualTo(2 * i);
                        }
                    }

                    assertThat(remote.fails("item-7").exception(Duration.ofSeconds(60)))
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessage("no such item: item-7");

                    assertThat(remote.workerHasNoAsyncOrScheduling().result(Duration.ofSeconds(60)))
                            .isEqualTo("async=false scheduling=false runners=0");

                    Path touched = dir.resolve("touched");
                    remote.touch(touched.toString());
                    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(touched));

                    assertThatThrownBy(() -> remote.takes(new Object()))
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessageContaining("Remote.takes(Object)")
                            .hasMessageContaining("argument 0 is a java.lang.Object, which is not Serializable");

                    // A qualifier naming an in-JVM pool: Spring's own @Async, on this JVM's threads.
                    assertThat(remote.io("b").result(Duration.ofSeconds(10)))
                            .startsWith("b in " + here + " on background-io-");
                });
    }

    @Test
    void withoutAnApplicationToStartInWorkersARemoteAsyncMethodIsRefusedWithTheReason() {
        runner.withUserConfiguration(BareApp.class)
                .withPropertyValues("background.pools.procs.kind=processes")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThatThrownBy(() -> context.getBean(Remote.class).procs())
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("background pool 'procs'")
                            .hasMessageContaining("no single @SpringBootConfiguration class");
                });
    }

    // ------------------------------------------------------------------ configurations

    /** The application its workers start: this class is all they boot, without auto-configuration. */
    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAsync
    @EnableScheduling
    static class RemoteApp {
        @Bean
        Remote remote() {
            return new Remote();
        }

        /** A start-up job of the application: its workers must not run it. */
        @Bean
        CommandLineRunner seed() {
            return args -> {};
        }
    }

    /** A context that is not a Spring Boot application: workers would not know what to start. */
    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    @EnableAsync
    static class BareApp {
        @Bean
        Remote remote() {
            return new Remote();
        }
    }

    static class Remote implements ApplicationContextAware {
        private ApplicationContext context;

        @Override
        public void setApplicationContext(ApplicationContext context) throws BeansException {
            this.context = context;
        }

        private static String here() {
            return ProcessHandle.current().pid() + " on "
                    + Thread.currentThread().getName();
        }

        @Async
        public Task<String> where(String s) {
            return Tasks.completed(s + " in " + here());
        }

        @Async
        public CompletableFuture<Integer> twice(int x) {
            return CompletableFuture.completedFuture(2 * x);
        }

        @Async
        public Task<String> fails(String item) {
            throw new IllegalArgumentException("no such item: " + item);
        }

        @Async
        public Task<String> workerHasNoAsyncOrScheduling() {
            return Tasks.completed("async="
                    + context.containsBean(TaskManagementConfigUtils.ASYNC_ANNOTATION_PROCESSOR_BEAN_NAME)
                    + " scheduling="
                    + context.containsBean(TaskManagementConfigUtils.SCHEDULED_ANNOTATION_PROCESSOR_BEAN_NAME)
                    + " runners="
                    + context.getBeansOfType(CommandLineRunner.class).size());
        }

        @Async
        public void touch(String path) throws java.io.IOException {
            Files.writeString(Path.of(path), "touched");
        }

        @Async
        public Task<String> takes(Object o) {
            return Tasks.completed(String.valueOf(o));
        }

        @Async("io")
        public Task<String> io(String s) {
            return Tasks.completed(s + " in " + here());
        }

        @Async("procs")
        public Task<String> procs() {
            return Tasks.completed("never");
        }
    }
}

package dev.background.spring.boot.autoconfigure;

import dev.background.BackgroundPool;
import dev.background.context.ContextPropagator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.support.CompositeTaskDecorator;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.AsyncConfigurer;
import org.springframework.scheduling.concurrent.ConcurrentTaskScheduler;
import org.springframework.scheduling.config.TaskManagementConfigUtils;

/**
 * Makes the pools of the {@code background.*} properties, and the default pool the application's
 * task executor ({@code @Async}) and task scheduler ({@code @Scheduled}) unless the application
 * defines its own. Runs before Spring Boot's task auto-configuration, which then backs off.
 *
 * <p>Beans: {@link BackgroundPools} (every pool, and their lifecycle), and
 * {@code AsyncTaskExecutor}s: the default pool's as {@code applicationTaskExecutor} (alias
 * {@code taskExecutor}), and one per named pool qualified by the pool's name, so that
 * {@code @Async("io")} runs on the pool {@code io}. The pools themselves are not beans: a
 * {@link BackgroundPool} is an {@code Executor}, and one more {@code Executor} bean would turn
 * Spring Boot's own task executor off, and make injection of an {@code Executor} by type ambiguous,
 * in an application that keeps its own.
 *
 * <p>With pools of worker processes or a cluster, {@code @Async} methods of those pools are sent
 * to them as serialisable calls, which workers run in their own instance of the application
 * ({@link RemoteAsyncPostProcessor}, {@link WorkerApplication}); Spring Boot's executor and
 * scheduler stay for a remote default pool.
 */
@AutoConfiguration(before = {TaskExecutionAutoConfiguration.class, TaskSchedulingAutoConfiguration.class})
@EnableConfigurationProperties(BackgroundProperties.class)
@Import(NamedPoolExecutorsRegistrar.class)
public final class BackgroundAutoConfiguration {

    /** Spring Boot's name for the application's task executor, which {@code @Async} resolves. */
    static final String APPLICATION_TASK_EXECUTOR = TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME;

    BackgroundAutoConfiguration() {}

    @Bean
    @ConditionalOnMissingBean
    static BackgroundPools backgroundPools(
            BackgroundProperties properties,
            ConfigurableListableBeanFactory beanFactory,
            Environment environment,
            ObjectProvider<ApplicationArguments> arguments,
            ObjectProvider<ContextPropagator<?>> propagatorBeans) {
        ClassLoader beanLoader = beanFactory.getBeanClassLoader();
        ClassLoader loader = beanLoader != null ? beanLoader : BackgroundAutoConfiguration.class.getClassLoader();
        // What background.propagators may name: the installed propagators, and the application's
        // beans, which win on a shared key.
        Map<String, ContextPropagator<?>> propagators = new TreeMap<>();
        ContextPropagator.installed(loader).forEach(p -> propagators.put(p.key(), p));
        propagatorBeans.orderedStream().forEach(p -> propagators.put(p.key(), p));
        boolean inWorker = WorkerApplication.isWorker(environment);
        WorkerApplication worker =
                inWorker ? null : WorkerApplication.of(beanFactory, environment, arguments.getIfAvailable());
        Map<String, BackgroundPool> pools = new LinkedHashMap<>();
        PresentWorkers present = new PresentWorkers();
        try {
            pools.put(
                    BackgroundPools.DEFAULT_POOL,
                    PoolFactory.build(
                            BackgroundPools.DEFAULT_POOL,
                            "background",
                            properties,
                            loader,
                            propagators,
                            worker,
                            inWorker,
                            present));
            properties.getPools().forEach((name, props) -> {
                NamedPoolExecutorsRegistrar.checkName(name);
                pools.put(
                        name,
                        PoolFactory.build(
                                name,
                                "background.pools." + name,
                                props,
                                loader,
                                propagators,
                                worker,
                                inWorker,
                                present));
            });
        } catch (RuntimeException e) {
            pools.values().forEach(BackgroundPool::shutdownNow);
            throw e;
        }
        return new BackgroundPools(pools, worker, present);
    }

    /** The application's decorators in order, as Spring Boot combines them for its own executor. */
    static @Nullable TaskDecorator decorator(ObjectProvider<TaskDecorator> decorators) {
        List<TaskDecorator> all = decorators.orderedStream().toList();
        return switch (all.size()) {
            case 0 -> null;
            case 1 -> all.get(0);
            default -> new CompositeTaskDecorator(all);
        };
    }

    /**
     * The default pool as the application's task executor. Backs off when the application defines
     * an {@link Executor} of its own (as Spring Boot's does), when {@code background.task-executor}
     * is false, and for remote kinds ({@link OnInJvmDefaultPool}).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "background", name = "task-executor", havingValue = "true", matchIfMissing = true)
    @Conditional(OnInJvmDefaultPool.class)
    @ConditionalOnMissingBean(value = Executor.class, ignored = BackgroundTaskExecutor.class)
    static final class TaskExecutorConfiguration {

        @Bean(name = {APPLICATION_TASK_EXECUTOR, "taskExecutor"})
        static BackgroundTaskExecutor applicationTaskExecutor(
                BackgroundPools pools, ObjectProvider<TaskDecorator> decorators) {
            return new BackgroundTaskExecutor(pools.defaultPool(), decorator(decorators));
        }
    }

    /**
     * With {@code @EnableScheduling} and no scheduler of the application's: scheduled methods run
     * on the default pool, which is a {@link ScheduledExecutorService}: each run waits for its
     * time on the library's timer thread, holding no worker, fixed-delay runs too.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "background", name = "task-executor", havingValue = "true", matchIfMissing = true)
    @Conditional(OnInJvmDefaultPool.class)
    @ConditionalOnBean(name = TaskManagementConfigUtils.SCHEDULED_ANNOTATION_PROCESSOR_BEAN_NAME)
    @ConditionalOnMissingBean({TaskScheduler.class, ScheduledExecutorService.class})
    static final class TaskSchedulerConfiguration {

        @Bean
        static ConcurrentTaskScheduler taskScheduler(BackgroundPools pools, ObjectProvider<TaskDecorator> decorators) {
            PoolTaskScheduler scheduler = new PoolTaskScheduler(pools.defaultPool());
            pools.beforeStop(scheduler::cancelPending); // see PoolTaskScheduler
            TaskDecorator decorator = decorator(decorators);
            if (decorator != null) {
                scheduler.setTaskDecorator(decorator);
            }
            return scheduler;
        }
    }

    /**
     * With a pool of worker processes or a cluster (and not in a worker): {@code @Async} methods of
     * such a pool are sent to it as serialisable calls ({@link RemoteAsyncPostProcessor}).
     */
    @Configuration(proxyBeanMethods = false)
    @Conditional(OnRemotePool.class)
    static final class RemoteAsyncConfiguration {

        @Bean
        static RemoteAsyncPostProcessor backgroundRemoteAsync() {
            return new RemoteAsyncPostProcessor();
        }

        /**
         * A remote default pool runs the plain {@code @Async} methods, unless the application has
         * an executor or {@code AsyncConfigurer} of its own or says {@code background.task-executor=false}.
         * Spring Boot's executor stays the application's task executor (for Spring MVC's
         * asynchronous requests and the like, whose tasks cannot travel).
         */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnProperty(
                prefix = "background",
                name = "task-executor",
                havingValue = "true",
                matchIfMissing = true)
        @Conditional(OnRemotePool.Default.class)
        @ConditionalOnMissingBean(
                value = {Executor.class, AsyncConfigurer.class},
                ignored = BackgroundTaskExecutor.class)
        static final class DefaultPoolAsyncConfiguration {

            @Bean
            static RemoteAsyncPostProcessor.DefaultPoolRunsAsync backgroundDefaultPoolRunsAsync() {
                return new RemoteAsyncPostProcessor.DefaultPoolRunsAsync();
            }
        }
    }
}

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
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.support.CompositeTaskDecorator;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;
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
            ObjectProvider<ContextPropagator<?>> propagatorBeans) {
        ClassLoader beanLoader = beanFactory.getBeanClassLoader();
        ClassLoader loader = beanLoader != null ? beanLoader : BackgroundAutoConfiguration.class.getClassLoader();
        // What background.propagators may name: the installed propagators, and the application's
        // beans, which win on a shared key.
        Map<String, ContextPropagator<?>> propagators = new TreeMap<>();
        ContextPropagator.installed(loader).forEach(p -> propagators.put(p.key(), p));
        propagatorBeans.orderedStream().forEach(p -> propagators.put(p.key(), p));
        Map<String, BackgroundPool> pools = new LinkedHashMap<>();
        try {
            pools.put(
                    BackgroundPools.DEFAULT_POOL,
                    PoolFactory.build(BackgroundPools.DEFAULT_POOL, "background", properties, loader, propagators));
            properties.getPools().forEach((name, props) -> {
                NamedPoolExecutorsRegistrar.checkName(name);
                pools.put(name, PoolFactory.build(name, "background.pools." + name, props, loader, propagators));
            });
        } catch (RuntimeException e) {
            pools.values().forEach(BackgroundPool::shutdownNow);
            throw e;
        }
        return new BackgroundPools(pools);
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
     * on the default pool. One timer thread waits for the due times (Spring's
     * {@link SimpleAsyncTaskScheduler}); the runs go to the pool, so no worker is held while
     * waiting, except fixed-delay runs, which that scheduler keeps on its own thread.
     * TODO(issue 10): the pool's own ScheduledExecutorService once it lands.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "background", name = "task-executor", havingValue = "true", matchIfMissing = true)
    @Conditional(OnInJvmDefaultPool.class)
    @ConditionalOnBean(name = TaskManagementConfigUtils.SCHEDULED_ANNOTATION_PROCESSOR_BEAN_NAME)
    @ConditionalOnMissingBean({TaskScheduler.class, ScheduledExecutorService.class})
    static final class TaskSchedulerConfiguration {

        @Bean
        static SimpleAsyncTaskScheduler taskScheduler(BackgroundPools pools, ObjectProvider<TaskDecorator> decorators) {
            SimpleAsyncTaskScheduler scheduler = new SimpleAsyncTaskScheduler();
            scheduler.setThreadNamePrefix("background-scheduler-");
            scheduler.setTargetTaskExecutor(new BackgroundTaskExecutor(pools.defaultPool(), decorator(decorators)));
            return scheduler;
        }
    }
}

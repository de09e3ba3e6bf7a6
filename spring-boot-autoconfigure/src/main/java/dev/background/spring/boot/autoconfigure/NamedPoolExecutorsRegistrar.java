package dev.background.spring.boot.autoconfigure;

import dev.background.BackgroundPool;
import dev.background.ExecutorKind;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers one {@link BackgroundTaskExecutor} per named pool ({@code background.pools.NAME}),
 * qualified by the pool's name, so that {@code @Async("NAME")} and
 * {@code @Qualifier("NAME") AsyncTaskExecutor} reach it. The names must be known while bean
 * definitions are registered, before {@link BackgroundProperties} is bound, hence a registrar that
 * reads them from the environment.
 */
final class NamedPoolExecutorsRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanFactoryAware {

    /** Bean names of this auto-configuration and Spring's, which a qualifier would shadow. */
    private static final Set<String> RESERVED = Set.of(
            BackgroundPools.DEFAULT_POOL,
            BackgroundAutoConfiguration.APPLICATION_TASK_EXECUTOR,
            "taskExecutor",
            "taskScheduler",
            "backgroundPool",
            "backgroundPools");

    private @Nullable Environment environment;
    private @Nullable BeanFactory beanFactory;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        Environment env = Objects.requireNonNull(environment, "environment");
        BeanFactory factory = Objects.requireNonNull(beanFactory, "beanFactory");
        Map<String, Object> pools = Binder.get(env)
                .bind("background.pools", Bindable.mapOf(String.class, Object.class))
                .orElse(Map.of());
        for (String name : pools.keySet()) {
            checkName(name);
            RootBeanDefinition definition = new RootBeanDefinition(BackgroundTaskExecutor.class);
            definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, name));
            // Not the application's default executor: @Async without a qualifier, and injection by
            // type alone, get the default pool's.
            definition.setDefaultCandidate(false);
            definition.setInstanceSupplier(() -> new BackgroundTaskExecutor(
                    factory.getBean(BackgroundPools.class).get(name),
                    BackgroundAutoConfiguration.decorator(factory.getBeanProvider(TaskDecorator.class))));
            registry.registerBeanDefinition(beanName(name), definition);
        }
    }

    /** The bean name of a named pool's executor; its qualifier is the pool's name itself. */
    static String beanName(String pool) {
        return "backgroundTaskExecutor." + pool;
    }

    /**
     * Checks a name under {@code background.pools}.
     *
     * @throws InvalidBackgroundPropertyException if it is blank or taken
     */
    static void checkName(String name) {
        if (name.isBlank() || RESERVED.contains(name)) {
            throw new InvalidBackgroundPropertyException(
                    "background.pools." + name,
                    "names a pool '" + name + "', a name that is " + (name.isBlank() ? "blank." : "reserved."),
                    "Rename the pool: any name but " + RESERVED + ". The top-level background.* properties"
                            + " configure the default pool.");
        }
    }

    /** Whether the pool's workers are threads of this JVM, the only ones that can run a Spring bean's method. */
    static boolean inJvm(BackgroundPool pool) {
        ExecutorKind kind = pool.kind();
        return kind.equals(ExecutorKind.threads()) || kind.equals(ExecutorKind.virtualThreads());
    }
}

package dev.background.spring.boot.autoconfigure;

import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.function.AsyncFunction;
import java.lang.System.Logger.Level;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.Pointcut;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.scheduling.annotation.Async;

/**
 * Sends {@code @Async} methods whose pool runs on worker processes or a cluster to that pool, as
 * serialisable calls ({@link AsyncInvoker}): {@code @Async("NAME")} for such a named pool, and a
 * plain {@code @Async} when the default pool is remote and serves as the application's
 * {@code @Async} executor ({@link DefaultPoolRunsAsync}). Other {@code @Async} methods are left to
 * Spring's own interceptor.
 *
 * <p>How: Spring's {@code @EnableAsync} post-processor proxies each bean with {@code @Async}
 * methods and puts its interceptor first in the proxy's chain; this post-processor, which is not
 * {@code Ordered} and so runs after it, puts its own interceptor ahead of Spring's on the same
 * proxy. For a remote method it submits the call and returns the pool's task (a
 * {@code CompletableFuture} for methods that return one, null for {@code void} methods, whose
 * failures it logs as Spring does) without proceeding; for others it proceeds to Spring's.
 * Without {@code @EnableAsync} nothing is proxied and it does nothing, as {@code @Async} does.
 *
 * <p><b>Threads.</b> Post-processing runs on Spring's start-up thread; the interceptor on the
 * caller of the {@code @Async} method, which only submits. The pools, and each method's route (its
 * remote pool's function, or Spring's executor), are looked up at the first call and cached in a
 * volatile field and concurrent maps; a race decides a route twice, alike, harmlessly.
 */
final class RemoteAsyncPostProcessor implements BeanPostProcessor, BeanFactoryAware {

    private static final System.Logger LOG = System.getLogger("dev.background.spring");

    /** Methods with {@code @Async}, or of classes with it: as Spring's {@code AsyncAnnotationAdvisor} matches. */
    private static final Pointcut ASYNC = new ComposablePointcut(new AnnotationMatchingPointcut(Async.class, true))
            .union(new AnnotationMatchingPointcut(null, Async.class, true));

    private @Nullable ConfigurableListableBeanFactory beanFactory;
    private volatile @Nullable BackgroundPools pools;

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof Advised advised
                && !advised.isFrozen()
                && AopUtils.canApply(ASYNC, AopUtils.getTargetClass(bean))) {
            advised.addAdvisor(0, new DefaultPointcutAdvisor(ASYNC, new Interceptor(beanName)));
        }
        return bean;
    }

    private ConfigurableListableBeanFactory beanFactory() {
        return Objects.requireNonNull(beanFactory, "beanFactory");
    }

    /** Looked up at the first call: a post-processor must not make the pools while beans are being post-processed. */
    private BackgroundPools pools() {
        BackgroundPools p = pools;
        if (p == null) {
            p = beanFactory().getBean(BackgroundPools.class);
            pools = p;
        }
        return p;
    }

    /**
     * The remote pool that runs a method with this {@code @Async} qualifier, or null if Spring's
     * executor runs it: a named pool of another kind, an executor bean of the application's, or
     * the default executor when the default pool does not serve {@code @Async}.
     */
    private @Nullable BackgroundPool remotePool(String qualifier) {
        BackgroundPools all = pools();
        BackgroundPool pool;
        if (qualifier.isEmpty()) {
            if (beanFactory().getBeanNamesForType(DefaultPoolRunsAsync.class, false, false).length == 0) {
                return null;
            }
            pool = all.defaultPool();
        } else {
            pool = all.all().get(qualifier);
        }
        return pool == null || NamedPoolExecutorsRegistrar.inJvm(pool) ? null : pool;
    }

    /** The {@code @Async} interceptor of one bean, ahead of Spring's. */
    private final class Interceptor implements MethodInterceptor {
        private final String beanName;
        /**
         * Each method's route, decided at its first call: its remote pool's, or empty for Spring's
         * executor. Keyed by the method as called (the proxy's), so that a call looks up neither
         * the target class nor its most specific method once its route is known.
         */
        private final Map<Method, Optional<RemoteMethod>> routes = new ConcurrentHashMap<>();

        Interceptor(String beanName) {
            this.beanName = beanName;
        }

        @Override
        public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
            Method called = invocation.getMethod();
            Optional<RemoteMethod> route = routes.get(called);
            if (route == null) {
                Object self = invocation.getThis();
                Class<?> targetClass = self == null ? called.getDeclaringClass() : AopUtils.getTargetClass(self);
                Method method = AopUtils.getMostSpecificMethod(called, targetClass);
                BackgroundPool pool = remotePool(qualifier(method, targetClass));
                // Not cached if this throws (a method that cannot run remotely): every call says why.
                route = pool == null
                        ? Optional.empty()
                        : Optional.of(RemoteMethod.of(pool, beanName, method, pools().workerApplication()));
                routes.put(called, route);
            }
            return route.isPresent() ? route.get().submit(invocation.getArguments()) : invocation.proceed();
        }
    }

    /**
     * One {@code @Async} method that runs on a remote pool.
     *
     * @param pool the pool's name
     * @param method the method
     * @param invoker what the workers run
     * @param function the invoker wrapped on the pool, named after the method
     */
    private record RemoteMethod(
            String pool,
            Method method,
            AsyncInvoker invoker,
            AsyncFunction<@Nullable Object[], @Nullable Object> function) {

        static RemoteMethod of(BackgroundPool pool, String beanName, Method method, @Nullable WorkerApplication app) {
            Class<?> returns = method.getReturnType();
            if (returns != void.class
                    && !returns.isAssignableFrom(Task.class)
                    && !returns.equals(CompletableFuture.class)) {
                throw new IllegalArgumentException("@Async method " + method + " runs on background pool '"
                        + pool.name() + "', but returns " + returns.getName()
                        + ": an @Async method returns Task, CompletableFuture, Future or nothing.");
            }
            if (app == null) {
                throw new IllegalStateException("@Async method " + method + " runs on the "
                        + pool.kind().name()
                        + " of background pool '" + pool.name() + "', whose workers start the application to call"
                        + " it; but this application context has no single @SpringBootConfiguration class to start"
                        + " there. Start the application with SpringApplication from its @SpringBootApplication"
                        + " class.");
            }
            AsyncInvoker invoker = AsyncInvoker.of(app, beanName, method);
            return new RemoteMethod(
                    pool.name(), method, invoker, pool.task(invoker).named(invoker.describe()));
        }

        /** Submits a call and returns what the method's caller expects: the task, a CompletableFuture, or null. */
        @SuppressWarnings("FutureReturnValueIgnored") // onDone returns the task itself, which void's caller never sees
        @Nullable
        Object submit(@Nullable Object[] args) {
            invoker.checkArguments(pool, args);
            Task<@Nullable Object> task = function.apply(args);
            Class<?> returns = method.getReturnType();
            if (returns == void.class) {
                // Nobody holds the task: its failure would go unseen. Logged as Spring's default handler does.
                task.onDone(t -> {
                    if (t.state() == Future.State.FAILED) {
                        LOG.log(
                                Level.ERROR,
                                "Unexpected exception occurred invoking async method: " + method,
                                t.exceptionNow());
                    }
                });
                return null;
            }
            return returns.equals(CompletableFuture.class) ? task.toCompletableFuture() : task;
        }
    }

    /** The qualifier of {@code @Async} on the method, else on its class, with placeholders resolved; empty for none. */
    private String qualifier(Method method, Class<?> targetClass) {
        Async async = AnnotatedElementUtils.findMergedAnnotation(method, Async.class);
        if (async == null) {
            async = AnnotatedElementUtils.findMergedAnnotation(targetClass, Async.class);
        }
        String value = async == null ? "" : async.value();
        String resolved = value.isEmpty() ? value : beanFactory().resolveEmbeddedValue(value);
        return resolved == null ? "" : resolved;
    }

    /**
     * Marks that the default pool, though remote, is the application's {@code @Async} executor:
     * registered when {@code background.task-executor} is on and the application has no executor
     * or {@code AsyncConfigurer} of its own.
     */
    record DefaultPoolRunsAsync() {}
}

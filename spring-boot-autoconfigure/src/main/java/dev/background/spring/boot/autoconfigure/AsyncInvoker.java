package dev.background.spring.boot.autoconfigure;

import dev.background.function.CheckedFunction;
import java.io.Serializable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * One {@code @Async} method of one bean, as a serialisable function of its arguments: what a pool
 * of worker processes (or a cluster) runs for each call. It names the bean, the method (declaring
 * class, name, parameter types) and the application to start; a worker resolves them in its own
 * application context ({@link WorkerApplication#context()}) and calls the method on the bean
 * there, where {@code @Async} is off, so the call runs in the worker's task. A {@code Task},
 * {@code CompletableFuture} or other {@code Future} that the method returns is waited for there,
 * and its value (or failure) is the task's.
 *
 * <p>Sent once per worker as a wrapped function (the calls carry only their arguments). Immutable.
 *
 * @param application the application the workers start
 * @param bean the bean's name in that application
 * @param declaringClass the method's declaring class
 * @param method the method's name
 * @param parameterTypes its parameter types' names
 */
record AsyncInvoker(
        WorkerApplication application, String bean, String declaringClass, String method, List<String> parameterTypes)
        implements CheckedFunction<@Nullable Object[], @Nullable Object> {

    private static final long serialVersionUID = 1L;

    AsyncInvoker {
        parameterTypes = List.copyOf(parameterTypes);
    }

    /**
     * The invoker of {@code method} on the bean {@code bean}.
     *
     * @param application the application the workers start
     * @param bean the bean's name
     * @param method the method, as declared
     * @return the invoker
     */
    static AsyncInvoker of(WorkerApplication application, String bean, Method method) {
        return new AsyncInvoker(
                application,
                bean,
                method.getDeclaringClass().getName(),
                method.getName(),
                Arrays.stream(method.getParameterTypes()).map(Class::getName).toList());
    }

    /**
     * Checks, on the submitting thread, that every argument can travel.
     *
     * @param pool the pool's name, for the message
     * @param args the call's arguments
     * @throws IllegalArgumentException naming the argument and its class if one is not Serializable
     */
    void checkArguments(String pool, @Nullable Object[] args) {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a != null && !(a instanceof Serializable)) {
                throw new IllegalArgumentException("@Async method " + describe() + " runs on the worker processes or"
                        + " cluster of background pool '" + pool + "', but its argument " + i + " is a "
                        + a.getClass().getName() + ", which is not Serializable. Pass serialisable values"
                        + " (records, Strings, numbers, lists or maps of them), or give the method a pool of threads.");
            }
        }
    }

    /** {@code Lookups.lookUp(int)}: the method as people name it, and the task's name. */
    String describe() {
        return simpleName(declaringClass) + "." + method + "("
                + String.join(
                        ", ",
                        parameterTypes.stream().map(AsyncInvoker::simpleName).toList())
                + ")";
    }

    private static String simpleName(String className) {
        return className.substring(Math.max(className.lastIndexOf('.'), className.lastIndexOf('$')) + 1);
    }

    /**
     * Runs the call in the worker: starts the application if this worker has not yet, then calls
     * the method on the bean and waits for a future it returns.
     *
     * @param args the call's arguments
     * @return the method's value, or its future's
     * @throws Exception what the method threw, or its future failed with
     */
    @Override
    public @Nullable Object apply(@Nullable Object[] args) throws Exception {
        ApplicationContext context = application.context();
        ClassLoader loader = AsyncInvoker.class.getClassLoader();
        Class<?> type = ClassUtils.forName(declaringClass, loader);
        Class<?>[] types = new Class<?>[parameterTypes.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = ClassUtils.forName(parameterTypes.get(i), loader);
        }
        Object target = context.containsBean(bean) ? context.getBean(bean) : context.getBean(type);
        // On a JDK proxy (an interface-based bean) the class's method is not the proxy's: take the proxy's own.
        Method m = type.isInstance(target)
                ? type.getDeclaredMethod(method, types)
                : target.getClass().getMethod(method, types);
        ReflectionUtils.makeAccessible(m);
        Object value;
        try {
            value = m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw rethrow(e.getCause());
        }
        if (value instanceof Future<?> future) {
            try {
                return future.get();
            } catch (ExecutionException e) {
                throw rethrow(e.getCause());
            }
        }
        return value;
    }

    private static Exception rethrow(@Nullable Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        if (t instanceof Exception e) {
            return e;
        }
        return new IllegalStateException("the @Async method failed without a cause", t);
    }

    @Override
    public String toString() {
        return "AsyncInvoker[" + bean + ": " + describe() + "]";
    }
}

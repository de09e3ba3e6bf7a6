package dev.background.process.internal;

import java.io.ObjectInputFilter;
import java.lang.reflect.Proxy;
import org.jspecify.annotations.Nullable;

/**
 * The deserialisation filter of both sides. Limits first (depth, size, array length), then the
 * user's pattern if it decides, then the default rule: only classes of the JDK in packages their
 * module exports (so no internal gadget such as {@code TemplatesImpl}), and classes of the
 * class path or module path (the application class loader); no dynamic proxies.
 *
 * <p>Classes are checked before any of their code runs ({@code readObject}, constructors), so a
 * rejected stream runs nothing.
 */
final class SerialFilter implements ObjectInputFilter {
    static final long MAX_DEPTH = 1_000;

    private final @Nullable ObjectInputFilter user;
    private final ClassLoader app = ClassLoader.getSystemClassLoader();
    private final ClassLoader platform = ClassLoader.getPlatformClassLoader();

    SerialFilter(@Nullable String pattern) {
        this.user = pattern == null || pattern.isBlank() ? null : ObjectInputFilter.Config.createFilter(pattern);
    }

    /** Why this thread's last stream was rejected, for the message. */
    private static final ThreadLocal<String> REASON = new ThreadLocal<>();

    @Override
    @SuppressWarnings("ReferenceEquality") // class loaders are told apart by identity
    public Status checkInput(FilterInfo info) {
        if (info.depth() > MAX_DEPTH) {
            return reject("object graph deeper than " + MAX_DEPTH);
        }
        if (info.streamBytes() > Frames.MAX_PAYLOAD || info.arrayLength() > Frames.MAX_PAYLOAD) {
            return reject("stream or array larger than " + Frames.MAX_PAYLOAD + " bytes");
        }
        if (user != null) {
            Status s = user.checkInput(info);
            if (s == Status.REJECTED) {
                return reject(
                        info.serialClass() == null
                                ? "a limit of the filter pattern"
                                : "class " + info.serialClass().getName() + ", by the filter pattern");
            }
            if (s == Status.ALLOWED && info.serialClass() != null) {
                return s;
            }
        }
        Class<?> c = info.serialClass();
        if (c == null) {
            return Status.UNDECIDED;
        }
        while (c.isArray()) {
            c = c.getComponentType();
        }
        if (c.isPrimitive()) {
            return Status.ALLOWED;
        }
        if (Proxy.isProxyClass(c)) {
            return reject("dynamic proxy class " + c.getName());
        }
        ClassLoader loader = c.getClassLoader();
        if (loader == null || loader == platform) {
            return c.getModule().isExported(c.getPackageName())
                    ? Status.ALLOWED
                    : reject("class " + c.getName() + ", internal to the JDK (package not exported)");
        }
        return loader == app || loader == SerialFilter.class.getClassLoader()
                ? Status.ALLOWED
                : reject("class " + c.getName() + ", not from the class path (loaded by " + loader + ")");
    }

    private static Status reject(String why) {
        REASON.set(why);
        return Status.REJECTED;
    }

    /** True if the exception is a rejection by a filter (as opposed to a broken stream). */
    static boolean isRejection(Throwable e) {
        return e instanceof java.io.InvalidClassException ice
                && String.valueOf(ice.getMessage()).contains("REJECTED");
    }

    /** Describes this thread's last rejection. */
    static String describe(Throwable rejection) {
        String why = REASON.get();
        REASON.remove();
        return why == null ? String.valueOf(rejection.getMessage()) : "rejected " + why;
    }
}

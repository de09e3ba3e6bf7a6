package dev.background.process.internal;

import java.io.ObjectInputFilter;
import java.lang.reflect.Proxy;

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

    private final ObjectInputFilter user;
    private final ClassLoader app = ClassLoader.getSystemClassLoader();
    private final ClassLoader platform = ClassLoader.getPlatformClassLoader();

    SerialFilter(String pattern) {
        this.user = pattern == null || pattern.isBlank() ? null : ObjectInputFilter.Config.createFilter(pattern);
    }

    @Override
    public Status checkInput(FilterInfo info) {
        if (info.depth() > MAX_DEPTH || info.streamBytes() > Frames.MAX_PAYLOAD
                || info.arrayLength() > Frames.MAX_PAYLOAD) {
            return Status.REJECTED;
        }
        if (user != null) {
            Status s = user.checkInput(info);
            if (s == Status.REJECTED || (s == Status.ALLOWED && info.serialClass() != null)) {
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
            return Status.REJECTED;
        }
        ClassLoader loader = c.getClassLoader();
        if (loader == null || loader == platform) {
            return c.getModule().isExported(c.getPackageName()) ? Status.ALLOWED : Status.REJECTED;
        }
        return loader == app || loader == SerialFilter.class.getClassLoader() ? Status.ALLOWED : Status.REJECTED;
    }

    /** True if the exception is a rejection by a filter (as opposed to a broken stream). */
    static boolean isRejection(Throwable e) {
        return e instanceof java.io.InvalidClassException ice && String.valueOf(ice.getMessage()).contains("REJECTED");
    }
}

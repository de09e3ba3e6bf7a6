package dev.background.cluster.internal;

/** The cluster module's one logger, under the library's name, through {@link System.Logger}. */
final class Log {
    static final System.Logger LOGGER = System.getLogger("dev.background.cluster");

    private Log() {}
}

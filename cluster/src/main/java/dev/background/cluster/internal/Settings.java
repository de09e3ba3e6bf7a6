package dev.background.cluster.internal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A cluster kind's settings, shared by the engines it opens.
 *
 * @param clusterName the cluster's name
 * @param members {@code host:port} addresses to connect to
 * @param connectTimeout how long opening waits for a worker
 * @param memberWait how long tasks wait when no worker is reachable
 * @param prefetch tasks sent ahead per member beyond n (0: none), or -1 to let the dispatcher's automatic rule decide
 * @param hazelcastLogging the {@value #HAZELCAST_LOGGING_TYPE} of the pools' clients, or null for Hazelcast's default
 * @param secret the cluster's secret, which seals tasks and results, or null for none
 */
public record Settings(
        String clusterName,
        List<String> members,
        Duration connectTimeout,
        Duration memberWait,
        int prefetch,
        @Nullable String hazelcastLogging,
        @Nullable ClusterSecret secret) {

    /** The Hazelcast property, set on one instance's configuration, that says where it logs. */
    public static final String HAZELCAST_LOGGING_TYPE = "hazelcast.logging.type";

    private static final Set<String> LOGGING_TYPES = Set.of("jdk", "log4j", "log4j2", "slf4j", "none");

    /** Checks a {@value #HAZELCAST_LOGGING_TYPE} value: null, or one Hazelcast knows; returns it. */
    public static @Nullable String checkLoggingType(@Nullable String type) {
        if (type != null && !LOGGING_TYPES.contains(type)) {
            throw new IllegalArgumentException(
                    "Hazelcast logging type must be one of jdk, log4j, log4j2, slf4j, none: '" + type + "'");
        }
        return type;
    }

    /** Checks that {@code address} is {@code host:port}; returns it. */
    public static String checkAddress(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("member address must be host:port: '" + address + "'");
        }
        try {
            int port = Integer.parseInt(address.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("member port must be 1..65535: '" + address + "'");
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("member address must be host:port: '" + address + "'", e);
        }
        return address;
    }

    /** Checks that {@code value} is at least {@code min}; returns it. */
    public static int atLeast(int value, int min, String what) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ": " + value);
        }
        return value;
    }

    /** Checks a cluster name: not null, not blank; returns it. */
    public static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("cluster name must not be blank: '" + name + "'");
        }
        return name;
    }

    /** Checks that {@code d} is positive; returns it. */
    public static Duration positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
        return d;
    }
}

package dev.background.cluster.internal;

import dev.background.cluster.ClusterWorker;
import java.io.File;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * {@link ClusterWorker#main}: reads its options into a {@link ClusterWorker.Builder} (the one
 * parser of this syntax in this module; {@code background worker} parses the same options with
 * picocli into the same builder), starts the worker, prints the ready line, and runs until the
 * JVM is stopped.
 */
public final class WorkerMain {
    /** What a worker prints on standard output once it has joined, before {@link ClusterWorker#toString()}. */
    public static final String READY = "background worker ready: ";

    private static final String USAGE = "usage: ClusterWorker --cluster NAME --members host:port[,host:port...]"
            + " [--n 4] [--port 5701] [--bind 127.0.0.1] [--allow com.example[,org.example]]"
            + " [--class-path app.jar[" + File.pathSeparator
            + "lib.jar]] [--hazelcast-logging jdk|slf4j|log4j2|log4j|none]"
            + " [--secret-file FILE | --secret-env VARIABLE] [--trusted-network-without-secret]"
            + " [--discovery tcp|kubernetes] [--kubernetes-service-dns NAME]";

    private WorkerMain() {}

    /** Runs {@link ClusterWorker#main}; exits with status 2 on bad arguments or a refused bind address. */
    public static void run(String[] args) throws InterruptedException {
        ClusterWorker.Builder b;
        try {
            b = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("background worker: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (b == null) {
            System.out.println(USAGE);
            return;
        }
        ClusterWorker w;
        try {
            w = b.start();
        } catch (IllegalStateException refused) { // an exposed address without a secret
            System.err.println("background worker: " + refused.getMessage());
            System.exit(2);
            return;
        }
        System.out.println(READY + w);
        System.out.flush();
        w.awaitShutdown();
    }

    /**
     * Reads the options into a builder, checking each.
     *
     * @return the builder, or null if {@code --help} was asked for
     * @throws IllegalArgumentException naming the option and the value, if one is bad or missing
     */
    static ClusterWorker.@Nullable Builder parse(String[] args) {
        ClusterWorker.Builder b = ClusterWorker.builder();
        boolean cluster = false;
        boolean members = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                return null;
            }
            if (a.equals("--trusted-network-without-secret")) {
                b.trustedNetworkWithoutSecret();
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--cluster" -> {
                    b.clusterName(v);
                    cluster = true;
                }
                case "--members" -> {
                    b.members(v);
                    members = true;
                }
                case "--n" -> b.n(intOption(a, v));
                case "--port" -> b.port(intOption(a, v));
                case "--bind" -> b.bind(v);
                case "--allow" -> b.allowPackages(v.split(","));
                case "--class-path" -> b.classPath(v);
                case "--hazelcast-logging" -> b.hazelcastLogging(v);
                case "--secret-file" -> b.secretFile(Path.of(v));
                case "--discovery" -> {
                    b.discovery(v);
                    members |= v.equals("kubernetes");
                }
                case "--kubernetes-service-dns" -> b.kubernetesServiceDns(v);
                case "--secret-env" -> b.secretEnvironment(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (!cluster || !members) {
            throw new IllegalArgumentException("--cluster NAME and --members host:port,... are required");
        }
        return b;
    }

    private static int intOption(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number: '" + value + "'");
        }
    }
}

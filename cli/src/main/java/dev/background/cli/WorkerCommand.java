package dev.background.cli;

import dev.background.cluster.ClusterKind;
import dev.background.cluster.ClusterWorker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code background worker}: starts a cluster member that runs background tasks, and runs until
 * stopped (Ctrl-C or a signal). The options are {@link ClusterWorker.Builder}'s, read by picocli
 * straight into the builder; see docs/cluster.md.
 *
 * <p>The member runs in this JVM, whose PID the ready line names, so that a supervisor that
 * tracks or kills this command tracks or kills the member itself (a {@code kill -9} leaves
 * nothing behind). Hazelcast wants {@code --add-opens} flags on JDK 21+
 * ({@link ClusterWorker#jvmOptions()}): the command-line jar grants them in its manifest
 * ({@code Add-Opens}), so {@code java -jar background.jar worker} has them.
 */
@Command(
        name = "worker",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Start a cluster member that runs background tasks sent by pools of the cluster kind.",
            "It binds to 127.0.0.1 unless --bind says otherwise, and joins only the members listed.",
            "",
            "Example:",
            "  background worker --cluster render --members 127.0.0.1:5701,127.0.0.1:5702 --n 4 --port 5701"
        })
public final class WorkerCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--cluster", paramLabel = "<name>", description = "The cluster's name; pools use the same one.")
    private @Nullable String cluster;

    @Option(
            names = "--members",
            paramLabel = "<host:port,...>",
            description = "Addresses of the cluster's members, this one included or not. Required unless"
                    + " --discovery kubernetes.")
    private @Nullable String members;

    @Option(
            names = "--discovery",
            paramLabel = "<how>",
            description = "How to find the other members: tcp (the --members list; default) or kubernetes"
                    + " (Hazelcast's Kubernetes discovery; see docs/deploy.md).")
    private @Nullable String discovery;

    @Option(
            names = "--kubernetes-service-dns",
            paramLabel = "<name>",
            description = "With --discovery kubernetes: the DNS name of the workers' headless service.")
    private @Nullable String kubernetesServiceDns;

    @Option(
            names = "--n",
            paramLabel = "<n>",
            description = "Tasks this worker runs at once (default: " + ClusterKind.DEFAULT_N + ").")
    private @Nullable Integer n;

    @Option(
            names = "--port",
            paramLabel = "<port>",
            description = "Port to listen on (default: 5701, or the next free one).")
    private @Nullable Integer port;

    @Option(
            names = "--bind",
            paramLabel = "<address>",
            description = "Address to listen on (default: 127.0.0.1). Anything else lets other machines"
                    + " send this worker code to run, without authentication: trusted networks only.")
    private @Nullable String bind;

    @Option(
            names = "--class-path",
            paramLabel = "<path>",
            description =
                    "Jars and directories with your tasks' classes, separated by the platform's path separator (':' on Unix).")
    private @Nullable String classPath;

    @Option(
            names = "--allow",
            paramLabel = "<package>",
            split = ",",
            description = "Packages (and subpackages) your tasks' classes are in, for the deserialisation allowlist.")
    private List<String> allow = new ArrayList<>();

    @Option(
            names = "--hazelcast-logging",
            paramLabel = "<type>",
            description = "Where Hazelcast's own log lines go: jdk, slf4j, log4j2, log4j or none, for this member only"
                    + " (default: Hazelcast's, java.util.logging at INFO).")
    private @Nullable String hazelcastLogging;

    @Option(
            names = "--secret-file",
            paramLabel = "<file>",
            description = "File with the cluster's secret (first line; an optional second line is the previous"
                    + " secret, still accepted). Tasks and results are then sealed; unsealed tasks are refused."
                    + " Default: the environment variable BACKGROUND_CLUSTER_SECRET, if set.")
    private @Nullable Path secretFile;

    @Option(
            names = "--secret-env",
            paramLabel = "<variable>",
            description = "Environment variable with the cluster's secret (and <variable>_PREVIOUS the previous one).")
    private @Nullable String secretEnv;

    @Option(
            names = "--trusted-network-without-secret",
            description = "Allow a non-loopback --bind without a secret: anyone who can reach the port can run code"
                    + " here. Only on a network where every machine is trusted.")
    private boolean trustedNetwork;

    @Override
    public Integer call() throws InterruptedException {
        ClusterWorker.Builder builder = builder();
        ClusterWorker worker;
        try {
            worker = builder.start();
        } catch (IllegalStateException refused) { // an exposed address without a secret
            spec.commandLine().getErr().println("background worker: " + refused.getMessage());
            return BackgroundCommand.BAD_INPUT;
        }
        spec.commandLine().getOut().println("background worker ready: " + worker);
        spec.commandLine().getOut().flush();
        worker.awaitShutdown();
        return 0;
    }

    /**
     * The worker's options as picocli read them, checked by the builder.
     *
     * @throws ParameterException naming the option and value, if the builder refuses one
     */
    ClusterWorker.Builder builder() {
        ClusterWorker.Builder b = ClusterWorker.builder();
        try {
            List<String> missing = new ArrayList<>();
            if (cluster == null) {
                missing.add("'--cluster=<name>'");
            }
            if (members == null && !"kubernetes".equals(discovery)) {
                missing.add("'--members=<host:port,...>' (or --discovery kubernetes)");
            }
            if (cluster == null || !missing.isEmpty()) {
                throw new ParameterException(
                        spec.commandLine(), "Missing required option(s): " + String.join(", ", missing));
            }
            b.clusterName(cluster);
            if (discovery != null) {
                b.discovery(discovery);
            }
            if (kubernetesServiceDns != null) {
                b.kubernetesServiceDns(kubernetesServiceDns);
            }
            if (members != null) {
                b.members(members);
            }
            b.allowPackages(allow.toArray(String[]::new)).hazelcastLogging(hazelcastLogging);
            if (n != null) {
                b.n(n);
            }
            if (port != null) {
                b.port(port);
            }
            if (bind != null) {
                b.bind(bind);
            }
            if (classPath != null) {
                b.classPath(classPath);
            }
            if (secretFile != null) {
                b.secretFile(secretFile);
            }
            if (secretEnv != null) {
                b.secretEnvironment(secretEnv);
            }
            if (trustedNetwork) {
                b.trustedNetworkWithoutSecret();
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        return b;
    }
}

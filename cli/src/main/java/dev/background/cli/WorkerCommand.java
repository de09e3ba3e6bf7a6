package dev.background.cli;

import dev.background.cluster.ClusterKind;
import dev.background.cluster.ClusterWorker;
import java.io.File;
import java.io.IOException;
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
 * <p>Hazelcast wants {@code --add-opens} flags on JDK 21+ ({@link ClusterWorker#jvmOptions()}).
 * When this JVM was not started with them, this same command runs in a child JVM that is, with
 * the same class path and the same arguments; its output is this command's, it stops when this
 * command is stopped, and its exit code is this command's.
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
    /** Set in the child JVM, which has the opens: it must never start another. */
    static final String CHILD = "background.worker.child";

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--cluster",
            required = true,
            paramLabel = "<name>",
            description = "The cluster's name; pools use the same one.")
    private String cluster;

    @Option(
            names = "--members",
            required = true,
            paramLabel = "<host:port,...>",
            description = "Addresses of the cluster's members, this one included or not.")
    private String members;

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

    @Override
    public Integer call() throws InterruptedException, IOException {
        ClusterWorker.Builder builder = builder();
        if (!opensGranted() && System.getProperty(CHILD) == null) {
            return runInChildJvm(childCommand());
        }
        ClusterWorker worker = builder.start();
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
            b.clusterName(cluster)
                    .members(members)
                    .allowPackages(allow.toArray(String[]::new))
                    .hazelcastLogging(hazelcastLogging);
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
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        return b;
    }

    /** Whether this JVM has the opens Hazelcast asks for. */
    private static boolean opensGranted() {
        Module here = WorkerCommand.class.getModule();
        return Object.class.getModule().isOpen("java.lang", here)
                && Object.class.getModule().isOpen("sun.nio.ch", here);
    }

    /**
     * The child JVM's command line: the whole command line as given to this one (picocli reads it
     * there again, as here), with the opens, in a JVM of the same class path.
     */
    List<String> childCommand() {
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(ClusterWorker.jvmOptions());
        cmd.add("-D" + CHILD + "=true");
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BackgroundCommand.class.getName()));
        cmd.addAll(spec.root().commandLine().getParseResult().originalArgs());
        return cmd;
    }

    private static int runInChildJvm(List<String> command) throws IOException, InterruptedException {
        Process child = new ProcessBuilder(command).inheritIO().start();
        Thread stopChild = new Thread(
                () -> {
                    child.destroy();
                    try {
                        child.waitFor();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "background-worker-stop");
        Runtime.getRuntime().addShutdownHook(stopChild);
        try {
            return child.waitFor();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopChild);
            } catch (IllegalStateException exiting) {
                // the hook is running already
            }
        }
    }
}

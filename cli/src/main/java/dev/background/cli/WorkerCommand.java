package dev.background.cli;

import dev.background.cluster.ClusterWorker;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code background worker}: starts a cluster member that runs background tasks, and runs until
 * stopped (Ctrl-C or a signal). The options are {@link ClusterWorker}'s; see docs/cluster.md.
 *
 * <p>Hazelcast wants {@code --add-opens} flags on JDK 21+ ({@link ClusterWorker#jvmOptions()}).
 * When this JVM was not started with them, the worker runs in a child JVM that is, with the same
 * class path; its output is this command's, it stops when this command is stopped, and its exit
 * code is this command's.
 */
@Command(name = "worker",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Start a cluster member that runs background tasks sent by pools of the cluster kind.",
                "It binds to 127.0.0.1 unless --bind says otherwise, and joins only the members listed.", "",
                "Example:",
                "  background worker --cluster render --members 127.0.0.1:5701,127.0.0.1:5702 --n 4 --port 5701"})
public final class WorkerCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--cluster", required = true, paramLabel = "<name>",
            description = "The cluster's name; pools use the same one.")
    private String cluster;

    @Option(names = "--members", required = true, paramLabel = "<host:port,...>",
            description = "Addresses of the cluster's members, this one included or not.")
    private String members;

    @Option(names = "--n", paramLabel = "<n>", defaultValue = "4",
            description = "Tasks this worker runs at once (default: ${DEFAULT-VALUE}).")
    private int n;

    @Option(names = "--port", paramLabel = "<port>",
            description = "Port to listen on (default: 5701, or the next free one).")
    private Integer port;

    @Option(names = "--bind", paramLabel = "<address>", defaultValue = ClusterWorker.DEFAULT_BIND,
            description = "Address to listen on (default: ${DEFAULT-VALUE}). Anything else lets other machines"
                    + " send this worker code to run, without authentication: trusted networks only.")
    private String bind;

    @Option(names = "--class-path", paramLabel = "<path>",
            description = "Jars and directories with your tasks' classes, separated by the platform's path separator (':' on Unix).")
    private String classPath;

    @Option(names = "--allow", paramLabel = "<package>", split = ",",
            description = "Packages (and subpackages) your tasks' classes are in, for the deserialisation allowlist.")
    private List<String> allow = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException, IOException {
        List<String> args = arguments();
        ClusterWorker.Builder builder;
        try {
            builder = ClusterWorker.parse(args.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (!opensGranted()) {
            return runInChildJvm(args);
        }
        ClusterWorker worker = builder.start();
        ClusterWorker.announce(worker, cluster, System.out);
        worker.awaitShutdown();
        return 0;
    }

    private List<String> arguments() {
        List<String> a = new ArrayList<>(List.of("--cluster", cluster, "--members", members,
                "--n", String.valueOf(n), "--bind", bind));
        if (port != null) {
            a.addAll(List.of("--port", String.valueOf(port)));
        }
        if (classPath != null) {
            a.addAll(List.of("--class-path", classPath));
        }
        if (!allow.isEmpty()) {
            a.addAll(List.of("--allow", String.join(",", allow)));
        }
        return a;
    }

    /** Whether this JVM has the opens Hazelcast asks for. */
    private static boolean opensGranted() {
        Module here = WorkerCommand.class.getModule();
        return Object.class.getModule().isOpen("java.lang", here)
                && Object.class.getModule().isOpen("sun.nio.ch", here);
    }

    private static int runInChildJvm(List<String> args) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command()
                .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(ClusterWorker.jvmOptions());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ClusterWorker.class.getName()));
        cmd.addAll(args);
        Process child = new ProcessBuilder(cmd).inheritIO().start();
        Thread stopChild = new Thread(() -> {
            child.destroy();
            try {
                child.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "background-worker-stop");
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

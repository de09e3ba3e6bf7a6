package dev.background.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.cluster.ClusterWorker;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code background worker}: its options and their errors (starting members is the cluster module's to test). */
class WorkerCommandTest {

    @Test
    void theClusterAndMembersAreRequired() {
        Run run = Run.of("worker");

        assertThat(run.exitCode()).isEqualTo(BackgroundCommand.BAD_INPUT);
        assertThat(run.err())
                .startsWith("background worker: ")
                .contains("--cluster")
                .contains("--members");
    }

    @Test
    void aBadAddressIsNamed() {
        Run run = Run.of("worker", "--cluster", "c", "--members", "nonsense");

        assertThat(run.exitCode()).isEqualTo(BackgroundCommand.BAD_INPUT);
        assertThat(run.err()).contains("'nonsense'").contains("host:port");
    }

    @Test
    void aBadNIsNamed() {
        Run run = Run.of("worker", "--cluster", "c", "--members", "127.0.0.1:5701", "--n", "0");

        assertThat(run.exitCode()).isEqualTo(BackgroundCommand.BAD_INPUT);
        assertThat(run.err()).contains("n must be at least 1: 0");
    }

    @Test
    void aMissingClassPathEntryIsNamed() {
        Run run = Run.of("worker", "--cluster", "c", "--members", "127.0.0.1:5701", "--class-path", "/no/such/app.jar");

        assertThat(run.exitCode()).isEqualTo(BackgroundCommand.BAD_INPUT);
        assertThat(run.err()).contains("/no/such/app.jar");
    }

    @Test
    void helpShowsTheOptionsAndTheLoopbackDefault() {
        Run run = Run.of("worker", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains("--cluster")
                .contains("--members")
                .contains("--n")
                .contains("--class-path")
                .contains("--allow")
                .contains("--bind")
                .contains("127.0.0.1");
    }

    @Test
    void picocliReadsTheOptionsStraightIntoTheWorkersBuilder() {
        WorkerCommand worker = parse(
                "worker",
                "--cluster",
                "render",
                "--members",
                "127.0.0.1:5701,127.0.0.1:5702",
                "--n",
                "3",
                "--port",
                "5801",
                "--bind",
                "127.0.0.2",
                "--allow",
                "com.example,org.example",
                "--hazelcast-logging",
                "none");

        assertThat(worker.builder())
                .hasToString("ClusterWorker.Builder[cluster=render, members=[127.0.0.1:5701,"
                        + " 127.0.0.1:5702], n=3, port=5801, bind=127.0.0.2, allow=[com.example., org.example.], classLoader=null,"
                        + " hazelcastLogging=none]");
    }

    @Test
    void unsetOptionsKeepTheBuildersDefaults() {
        WorkerCommand worker = parse("worker", "--cluster", "c", "--members", "127.0.0.1:5701");

        assertThat(worker.builder())
                .hasToString(ClusterWorker.builder()
                        .clusterName("c")
                        .members("127.0.0.1:5701")
                        .toString());
    }

    @Test
    void aBadHazelcastLoggingTypeIsNamed() {
        Run run = Run.of("worker", "--cluster", "c", "--members", "127.0.0.1:5701", "--hazelcast-logging", "loud");

        assertThat(run.exitCode()).isEqualTo(BackgroundCommand.BAD_INPUT);
        assertThat(run.err()).contains("'loud'");
    }

    /** The child JVM gets the command line as it was given, not one rebuilt from the parsed options. */
    @Test
    void theChildJvmRunsThisCommandWithTheSameArgumentsAndTheOpens() {
        String[] args = {"worker", "--members=127.0.0.1:5701", "--cluster", "c", "--allow", "a,b"};
        WorkerCommand worker = parse(args);

        List<String> cmd = worker.childCommand();

        assertThat(cmd).containsSubsequence(ClusterWorker.jvmOptions());
        assertThat(cmd).contains("-D" + WorkerCommand.CHILD + "=true");
        assertThat(cmd.subList(cmd.size() - args.length - 1, cmd.size()))
                .containsExactly(
                        BackgroundCommand.class.getName(),
                        "worker",
                        "--members=127.0.0.1:5701",
                        "--cluster",
                        "c",
                        "--allow",
                        "a,b");
    }

    private static WorkerCommand parse(String... args) {
        CommandLine cl = BackgroundCommand.commandLine(
                new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()), false);
        cl.parseArgs(args);
        return cl.getSubcommands().get("worker").getCommand();
    }
}

package dev.background.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.cluster.ClusterWorker;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
                        + " hazelcastLogging=none, secret=null]");
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

    @Test
    void aNonLoopbackAddressWithoutASecretIsRefusedWithWhatToDo() {
        Run run = Run.of("worker", "--cluster", "c", "--members", "10.200.0.1:5701", "--bind", "10.200.0.1");

        assertThat(run.exitCode()).isEqualTo(BackgroundCommand.BAD_INPUT);
        assertThat(run.err())
                .startsWith("background worker: refusing to bind")
                .contains("--secret-file")
                .contains("--trusted-network-without-secret");
    }

    @Test
    void theSecretOptionsReachTheBuilder(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), "a secret of the right length\n");

        WorkerCommand worker = parse(
                "worker",
                "--cluster",
                "c",
                "--members",
                "127.0.0.1:5701",
                "--secret-file",
                file.toString(),
                "--trusted-network-without-secret");

        assertThat(worker.builder().toString())
                .contains("secret=secret file " + file.toAbsolutePath())
                .endsWith(", trustedNetworkWithoutSecret]");
    }

    private static WorkerCommand parse(String... args) {
        CommandLine cl = BackgroundCommand.commandLine(
                new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()), false);
        cl.parseArgs(args);
        return cl.getSubcommands().get("worker").getCommand();
    }
}

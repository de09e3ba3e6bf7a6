package dev.background.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code background worker}: its options and their errors (starting members is the cluster module's to test). */
class WorkerCommandTest {

    @Test
    void theClusterAndMembersAreRequired() {
        Run run = Run.of("worker");

        assertThat(run.exitCode()).isEqualTo(BackgroundCommand.BAD_INPUT);
        assertThat(run.err()).startsWith("background worker: ").contains("--cluster").contains("--members");
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
        assertThat(run.out()).contains("--cluster").contains("--members").contains("--n").contains("--class-path")
                .contains("--allow").contains("--bind").contains("127.0.0.1");
    }
}

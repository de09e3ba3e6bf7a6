package dev.background.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ClusterWorker.main}'s options: each read once, into the worker's builder. */
class WorkerMainTest {

    @Test
    void everyOptionReachesTheBuilder() {
        var b = WorkerMain.parse(new String[] {
            "--cluster",
            "c",
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
            "none"
        });

        assertThat(b)
                .hasToString("ClusterWorker.Builder[cluster=c, members=[127.0.0.1:5701, 127.0.0.1:5702], n=3,"
                        + " port=5801, bind=127.0.0.2, allow=[com.example., org.example.], classLoader=null, hazelcastLogging=none,"
                        + " secret=null]");
    }

    @Test
    void badOptionsAreNamedWithTheirValue() {
        assertThatThrownBy(() -> WorkerMain.parse(new String[] {"--n", "many"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'many'");
        assertThatThrownBy(() -> WorkerMain.parse(new String[] {"--colour", "red"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--colour");
        assertThatThrownBy(() -> WorkerMain.parse(new String[] {"--cluster"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--cluster");
        assertThatThrownBy(() -> WorkerMain.parse(new String[] {"--n", "0"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
        assertThatThrownBy(() -> WorkerMain.parse(new String[] {"--class-path", "/no/such.jar"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/no/such.jar");
        assertThatThrownBy(() -> WorkerMain.parse(new String[] {"--cluster", "c"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--members");
    }

    @Test
    void theSecretComesFromAFileOrAVariableAndTheTrustedNetworkFlagTakesNoValue(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), "a secret of the right length\n");

        var b = WorkerMain.parse(new String[] {
            "--cluster",
            "c",
            "--members",
            "127.0.0.1:5701",
            "--secret-file",
            file.toString(),
            "--trusted-network-without-secret",
            "--n",
            "2"
        });

        assertThat(b.toString())
                .contains("n=2")
                .contains("secret=secret file " + file.toAbsolutePath())
                .endsWith(", trustedNetworkWithoutSecret]");
        assertThatThrownBy(() -> WorkerMain.parse(new String[] {"--secret-env", "BACKGROUND_TEST_SURELY_UNSET"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("BACKGROUND_TEST_SURELY_UNSET is not set");
    }

    @Test
    void helpAsksForNoWorker() {
        assertThat(WorkerMain.parse(new String[] {"--cluster", "c", "--help"})).isNull();
    }
}

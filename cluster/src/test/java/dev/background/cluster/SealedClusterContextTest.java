package dev.background.cluster;

import dev.background.BackgroundPool;
import dev.background.cluster.testing.LocalCluster;
import dev.background.testkit.ContextContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Context propagation through a cluster secret: with a secret, a task's carried context travels
 * inside the sealed pack (never in the clear), and the member restores it after opening the task.
 * The same contract as {@link ClusterContextTest}, which runs without a secret.
 */
class SealedClusterContextTest extends ContextContract {
    private static final String SECRET = "the secret of the sealed context test cluster";
    private static LocalCluster cluster;
    private static ClusterKind kind;

    @BeforeAll
    static void startCluster() throws IOException {
        Path dir = Files.createTempDirectory("sealed-context-test");
        Path secret = Files.writeString(dir.resolve("secret"), SECRET + "\n");
        cluster = LocalCluster.builder().members(1).n(4).secretFile(secret).start();
        kind = cluster.kindBuilder().secretFile(secret).build();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected BackgroundPool.Builder newPoolBuilder() {
        if (kind == null) {
            throw new UncheckedIOException(new IOException("the sealed cluster did not start"));
        }
        return BackgroundPool.builder().kind(kind).awaitTasksAtExit(false);
    }

    @Override
    protected boolean carriesToAnotherJvm() {
        return true;
    }

    @Override
    protected int stressTasksPerSubmitter() {
        return 25;
    }
}

package dev.background.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.cluster.testing.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A program that forgets to close its cluster pool exits once its tasks end, as on the other kinds. */
class ExitTest {

    @Test
    void mainReturningWithAClusterPoolOpenWaitsForTheTasksThenExits(@TempDir Path dir) throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().members(1).n(2).start()) {
            Path out = dir.resolve("out.txt");
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElseThrow());
            cmd.addAll(ClusterWorker.jvmOptions());
            cmd.addAll(List.of(
                    "-cp",
                    System.getProperty("java.class.path"),
                    ForgetfulMain.class.getName(),
                    cluster.clusterName(),
                    cluster.members()));
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            boolean exited = p.waitFor(90, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly();
            }

            assertThat(exited)
                    .as("the program exited; its output:\n%s", read(out))
                    .isTrue();
            assertThat(p.exitValue()).isZero();
            assertThat(read(out))
                    .contains("main returns")
                    .contains("done 0", "done 1", "done 2", "done 3", "done 4", "done 5");
        }
    }

    private static String read(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p) : "";
    }
}

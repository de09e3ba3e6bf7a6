package dev.background.cluster.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.background.cluster.ClusterWorker;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LocalCluster.Builder#classDataArchive}'s main path, which needs a class path of jars
 * only: a child JVM on this JVM's class path, its directories packed into jars, starts a local
 * cluster twice. The first start makes the archive, the second reuses it, and every worker maps it.
 */
class LocalClusterArchiveTest {

    @Test
    void fromAClassPathOfJarsTheWorkersMapAnArchiveMadeOnceAndReused(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "no /proc/PID/maps to see what a worker maps");
        String classPath = jarsOnly(tmp.resolve("jars"));
        Path archives = tmp.resolve("archives");

        String first = runChild(classPath, archives);
        assertThat(first).contains("worker 0 maps the archive: true", "worker 1 maps the archive: true");
        Path archive = onlyArchiveIn(archives);
        FileTime made = Files.getLastModifiedTime(archive);

        String second = runChild(classPath, archives);
        assertThat(second).contains("worker 0 maps the archive: true", "worker 1 maps the archive: true");
        assertThat(onlyArchiveIn(archives)).isEqualTo(archive);
        assertThat(Files.getLastModifiedTime(archive)).isEqualTo(made);
    }

    /** This JVM's class path with each directory packed into a jar of its own. */
    private static String jarsOnly(Path dir) throws IOException {
        Files.createDirectories(dir);
        ToolProvider jar = ToolProvider.findFirst("jar").orElseThrow();
        List<String> entries = new ArrayList<>();
        int k = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator, -1)) {
            Path p = Path.of(entry);
            if (!entry.isEmpty() && Files.isDirectory(p)) {
                Path packed = dir.resolve("dir" + k++ + ".jar");
                int rc = jar.run(System.out, System.err, "--create", "--file", packed.toString(), "-C", entry, ".");
                assertThat(rc).as("jar of %s", entry).isZero();
                entries.add(packed.toString());
            } else if (!entry.isEmpty() && Files.isRegularFile(p)) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static String runChild(String classPath, Path archives) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.addAll(ClusterWorker.jvmOptions());
        cmd.addAll(List.of("-cp", classPath, ArchiveMain.class.getName(), archives.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        assertThat(exited).as("the child exited; its output:\n%s", out).isTrue();
        assertThat(p.exitValue())
                .as("the child's exit status; its output:\n%s", out)
                .isZero();
        return out;
    }

    private static Path onlyArchiveIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.toList();
            assertThat(all).hasSize(1);
            assertThat(all.get(0).getFileName().toString()).endsWith(".jsa");
            return all.get(0);
        }
    }
}

package dev.background.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.background.BackgroundPool;
import dev.background.testkit.LauncherNote;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How worker JVMs start: with a class data archive that the first worker records and later ones
 * map, one the JDK refuses costing nothing but the speed-up, and no line of the JVM's own on their
 * standard error either way. Real worker JVMs, on a class path of jars (the JDK archives classes
 * from jars only), made from this test's class path.
 */
class WorkerStartTest {
    private static final Path MAPS = Path.of("/proc/self/maps");

    @TempDir
    Path dir;

    @Test
    void workersShareTheArchiveTheFirstWorkerRecordedAndIgnoreARefusedOneQuietly() throws Exception {
        assumeTrue(Files.isReadable(MAPS), "needs /proc/self/maps to see which files a worker maps");
        Path cache = dir.resolve("cds");
        ProcessKind kind = ProcessKind.builder()
                .classPath(jarredClassPath(dir.resolve("cp")))
                .classDataCache(cache)
                .build();

        String firstErr = stderrOf(() -> assertThat(mappedArchives(kind)).isEmpty());
        assertThat(firstErr).as("the recorder's standard error").isEmpty();
        // The recorder writes the archive when it exits (at the pool's close), then it is checked and renamed.
        await().atMost(Duration.ofMinutes(2)).until(() -> archives(cache).size() == 1);
        Path archive = archives(cache).get(0);

        String sharedErr = stderrOf(() -> assertThat(mappedArchives(kind)).containsExactly(archive.toString()));
        assertThat(sharedErr).as("a sharing worker's standard error").isEmpty();

        Files.write(archive, new byte[] {'n', 'o', 't', ' ', 'a', 'n', ' ', 'a', 'r', 'c', 'h', 'i', 'v', 'e'});
        String refusedErr = stderrOf(() -> assertThat(mappedArchives(kind)).isEmpty());
        assertThat(refusedErr)
                .as("standard error of a worker whose JDK refuses the archive")
                .isEmpty();
    }

    @Test
    void workersOnAClassPathWithDirectoriesStartWithoutAnArchiveAndQuietly() throws Exception {
        assumeTrue(Files.isReadable(MAPS), "needs /proc/self/maps to see which files a worker maps");
        Path cache = dir.resolve("cds");
        ProcessKind kind = ProcessKind.builder().classDataCache(cache).build(); // this JVM's: target/classes

        String err = stderrOf(() -> assertThat(mappedArchives(kind)).isEmpty());

        assertThat(err).isEmpty();
        assertThat(cache).doesNotExist();
    }

    /** The {@code .jsa} files that a worker of a new pool of this kind has mapped when it answers its first task. */
    private static List<String> mappedArchives(ProcessKind kind) {
        try (BackgroundPool pool = BackgroundPool.builder().kind(kind).n(1).build()) {
            return pool.task(() -> {
                        try (Stream<String> lines = Files.lines(MAPS)) {
                            return lines.filter(l -> l.endsWith(".jsa") && l.contains("/cds/"))
                                    .map(l -> l.substring(l.indexOf('/')))
                                    .distinct()
                                    .toList();
                        }
                    })
                    .call()
                    .result();
        }
    }

    private static List<Path> archives(Path cache) throws IOException {
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(p -> p.toString().endsWith(".jsa")).toList();
        }
    }

    /**
     * What workers print on this JVM's standard error while {@code r} runs (a pool closed in it has
     * echoed it all), but for the launcher's note of the build's {@code JDK_JAVA_OPTIONS}.
     */
    private static String stderrOf(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return LauncherNote.strip(err.toString(StandardCharsets.UTF_8));
    }

    /** This JVM's class path with each directory packed into a jar. */
    private static List<Path> jarredClassPath(Path into) throws IOException {
        Files.createDirectories(into);
        List<Path> cp = new ArrayList<>();
        int i = 0;
        for (String e : List.of(System.getProperty("java.class.path").split(File.pathSeparator, -1))) {
            Path p = Path.of(e);
            if (Files.isDirectory(p)) {
                Path jar = into.resolve("dir-" + i++ + ".jar");
                jar(p, jar);
                cp.add(jar);
            } else if (Files.isRegularFile(p)) {
                cp.add(p);
            }
        }
        return cp;
    }

    private static void jar(Path root, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream j = new JarOutputStream(out);
                Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                j.putNextEntry(new JarEntry(root.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, j);
                j.closeEntry();
            }
        }
    }
}

package dev.background.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerLibTest {
    @TempDir
    Path dir;

    @Test
    void theWorkerClassPathIsTheJarsOfTheDirectoryNextToTheCommandLinesJar() throws Exception {
        Path jar = Files.writeString(dir.resolve("background.jar"), "jar");
        Path lib = Files.createDirectories(dir.resolve(WorkerLib.DIR));
        Path b = Files.writeString(lib.resolve("b.jar"), "b");
        Path a = Files.writeString(lib.resolve("a.jar"), "a");
        Files.writeString(lib.resolve("notes.txt"), "not a jar");

        assertThat(WorkerLib.nextTo(jar)).contains(java.util.List.of(a, b));
    }

    @Test
    void withoutTheDirectoryOrFromClassDirectoriesWorkersGetThisJvmsClassPath() throws Exception {
        Path jar = Files.writeString(dir.resolve("background.jar"), "jar");
        assertThat(WorkerLib.nextTo(jar)).isEmpty();
        Files.createDirectories(dir.resolve(WorkerLib.DIR));
        assertThat(WorkerLib.nextTo(jar)).as("an empty directory").isEmpty();
        assertThat(WorkerLib.nextTo(dir))
                .as("classes in a directory, not a jar")
                .isEmpty();
        assertThat(WorkerLib.nextTo(null)).isEmpty();
        assertThat(WorkerLib.find()).as("this test runs from target/classes").isEmpty();
    }
}

package dev.background.process.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worker's command line, without starting it. */
class WorkerCommandTest {
    @Test
    void workersInheritTheOptionsThatDecideWhatCodeMayDoWithoutAWarningAndNothingElse() {
        List<String> parent = List.of(
                "-Xmx4g",
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "-Dsecret=1",
                "--sun-misc-unsafe-memory-access=allow",
                "--enable-native-access=ALL-UNNAMED",
                "-agentlib:jdwp=transport=dt_socket,server=y,address=5005",
                "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
                "--enable-preview");

        assertThat(WorkerCommand.inherited(parent))
                .containsExactly(
                        "--add-opens=java.base/java.lang=ALL-UNNAMED",
                        "--sun-misc-unsafe-memory-access=allow",
                        "--enable-native-access=ALL-UNNAMED",
                        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
                        "--enable-preview");
    }

    @Test
    void aGivenClassPathReplacesThisJvmsAndTheUsersOptionsComeAfterOurs() {
        var config = new WorkerConfig(
                List.of("-Xmx64m"),
                Map.of("k", "v"),
                false,
                0,
                null,
                0,
                Duration.ofSeconds(1),
                0,
                null,
                List.of("/a.jar", "/b.jar"),
                Path.of("/cache"));

        List<String> cmd = WorkerCommand.of(config, "w-1", "-");

        assertThat(cmd)
                .containsSubsequence(
                        "-Xlog:cds*=off:stderr",
                        "-Xmx64m",
                        "-Dk=v",
                        "-cp",
                        "/a.jar" + java.io.File.pathSeparator + "/b.jar");
        assertThat(cmd.subList(cmd.size() - 3, cmd.size()))
                .containsExactly(Long.toString(ProcessHandle.current().pid()), "w-1", "-");
    }
}

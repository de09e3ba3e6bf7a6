package dev.background.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JShell playground's start-up script evaluates without errors and its helpers work: JShell
 * from the JDK running the tests, with this module's class path, the script, then a few lines a
 * user would type.
 */
class PlaygroundTest {

    @Test
    void startUpScriptEvaluatesAndTimeRunsABatch(@TempDir Path dir) throws Exception {
        Path script = Path.of(System.getProperty("background.playground.script", "src/main/jshell/playground.jsh"));
        Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
        Path user = dir.resolve("user.jsh");
        Files.writeString(user, """
                sleep = Duration.ofMillis(20)
                Background.n(4)
                var t = time(4)
                System.out.println("rows=" + t.rowCount() + " squares=" + t.longColumn("number_squared").asList())
                System.out.println("one=" + longFunc.apply(7).result().longColumn(0).get(0))
                /exit
                """);
        Path log = dir.resolve("jshell.log");

        Process p = new ProcessBuilder(
                        jshell.toString(),
                        "--class-path",
                        System.getProperty("java.class.path"),
                        "-R-Dslf4j.internal.verbosity=ERROR",
                        "--startup",
                        "DEFAULT",
                        "--startup",
                        script.toString(),
                        user.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        boolean ended = p.waitFor(2, TimeUnit.MINUTES);
        if (!ended) {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);

        assertThat(ended).as("jshell ended; its output:%n%s", out).isTrue();
        assertThat(out)
                .contains("background playground.")
                .contains("4 calls of longFunc (20.0 ms each) at n = 4")
                .contains("Wall time: ")
                .contains("Speed-up: ")
                .contains("rows=4 squares=" + List.of(0L, 1L, 4L, 9L))
                .contains("one=49")
                .doesNotContain("Error:")
                .doesNotContain("Exception");
    }
}

package dev.background.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each example runs as the program it is, in a JVM of its own (so each has a fresh default pool
 * and the JVM's wait at exit is part of what is tested), and its standard output is checked.
 */
class ExamplesTest {
    @TempDir
    Path dir;

    private String run(Class<?> main) throws IOException, InterruptedException {
        Path out = dir.resolve(main.getSimpleName() + ".out");
        Path err = dir.resolve(main.getSimpleName() + ".err");
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Dslf4j.internal.verbosity=ERROR",
                        "-cp",
                        System.getProperty("java.class.path"),
                        main.getName())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        boolean ended = p.waitFor(1, TimeUnit.MINUTES);
        if (!ended) {
            p.destroyForcibly();
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(ended)
                .as("%s ended; output:%n%s%n%s", main.getSimpleName(), stdout, stderr)
                .isTrue();
        assertThat(p.exitValue()).as("exit code; stderr:%n%s", stderr).isZero();
        assertThat(stderr).doesNotContain("Exception");
        return stdout;
    }

    @Test
    void basicExampleRunsAHundredCallsOfWork() throws Exception {
        String out = run(BasicExample.class);

        assertThat(out)
                .containsPattern(
                        "Submitted 100 calls of work\\(\\) in [\\d.]+ ms; they run in the background, \\d+ at a time\\.")
                .containsPattern("All 100 calls of work\\(\\) done after \\d+ ms \\(one after another: 2000 ms\\)\\.");
        assertThat(out.lines()).hasSize(2);
    }

    @Test
    void advancedExampleCallbackPrintsEveryResultBeforeTheJvmExits() throws Exception {
        String out = run(AdvancedExample.class);

        List<String> lines = out.lines().toList();
        assertThat(lines).contains("Submitted 100 calls, 40 at a time; each result is printed as its call ends.");
        Pattern result = Pattern.compile("work\\((\\d+)\\) = (\\d+)");
        List<Integer> inputs = lines.stream()
                .map(result::matcher)
                .filter(Matcher::matches)
                .peek(m -> assertThat(Long.parseLong(m.group(2)))
                        .isEqualTo(Long.parseLong(m.group(1)) * Long.parseLong(m.group(1))))
                .map(m -> Integer.parseInt(m.group(1)))
                .sorted()
                .toList();
        assertThat(inputs)
                .as("one printed result per call")
                .isEqualTo(IntStream.range(0, 100).boxed().toList());
        assertThat(lines).hasSize(101);
    }

    @Test
    void dataScienceExampleConcatenatesTheSquaresInOrder() throws Exception {
        String out = run(DataScienceExample.class);

        assertThat(out)
                .containsPattern("10 calls submitted in [\\d.]+ ms; all 10 results concatenated after \\d+ ms"
                        + " \\(one call: 100 ms; one after another: 1000 ms\\)\\.");
        assertThat(out).contains("number_squared");
        List<Long> column = out.lines()
                .filter(l -> l.matches("\\s*\\d+\\s*\\|\\s*"))
                .map(l -> Long.parseLong(l.replace("|", "").strip()))
                .toList();
        assertThat(column)
                .isEqualTo(LongStream.range(0, 10).map(i -> i * i).boxed().toList());
    }
}

package consumer;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs each of the README's programs as a user would, in a JVM of its own (a fresh default pool
 * each, and the JVM's wait for its tasks at exit is part of the run), and checks what it prints.
 */
class ReadmeExamplesTest {
    @TempDir
    Path dir;

    /** Runs {@code main}'s {@code main} with this test's class path; returns its standard output's lines. */
    private List<String> run(Class<?> main) throws IOException, InterruptedException {
        Path out = dir.resolve(main.getSimpleName() + ".out");
        Path err = dir.resolve(main.getSimpleName() + ".err");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dslf4j.internal.verbosity=ERROR", "-cp", System.getProperty("java.class.path"), main.getName())
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        boolean ended = p.waitFor(1, TimeUnit.MINUTES);
        if (!ended) {
            p.destroyForcibly();
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(ended).as("%s ended; output:%n%s%n%s", main.getSimpleName(), stdout, stderr).isTrue();
        assertThat(p.exitValue()).as("exit code; stderr:%n%s", stderr).isZero();
        assertThat(stderr).as("standard error").doesNotContain("Exception");
        return stdout.lines().toList();
    }

    @Test
    void basicExamplePrintsTheResultOfEachOfAHundredCalls() throws Exception {
        assertThat(run(BasicExample.class)).hasSize(100).containsOnly("done");
    }

    @Test
    void advancedExampleCallbackPrintsEverySquareBeforeTheJvmExits() throws Exception {
        List<Integer> printed = run(AdvancedExample.class).stream().map(Integer::valueOf).sorted().toList();

        assertThat(printed).isEqualTo(IntStream.range(0, 100).map(i -> i * i).boxed().toList());
    }

    @Test
    void dataFrameExampleConcatenatesTenSquaresInTheTimeOfAboutOneCall() throws Exception {
        List<String> out = run(DataFrameExample.class);

        List<Integer> column = out.stream().filter(l -> l.matches("\\s*\\d+\\s*\\|\\s*"))
                .map(l -> Integer.valueOf(l.replace("|", "").strip())).toList();
        assertThat(column).as("the number_squared column, in call order:%n%s", out)
                .isEqualTo(IntStream.range(0, 10).map(i -> i * i).boxed().toList());
        Matcher timing = Pattern.compile("10 calls in (\\d+) ms; one call sleeps (\\d+) ms").matcher(out.getLast());
        assertThat(timing.matches()).as(out.getLast()).isTrue();
        long elapsed = Long.parseLong(timing.group(1));
        long oneCall = Long.parseLong(timing.group(2));
        // One after another, the calls would take 10 x oneCall; at once, one call's time and a little.
        assertThat(elapsed).as("ms for 10 calls of %d ms each", oneCall).isBetween(oneCall, 5 * oneCall);
    }

    @Test
    void perFunctionOptionsNameTheTaskAndReturnThePage() throws Exception {
        assertThat(run(PerFunctionOptions.class)).containsExactly("fetch: <html>https://example.com/</html>");
    }

    @Test
    void poolOfVirtualThreadsFetchesEveryPage() throws Exception {
        List<String> lengths = run(Pools.class);

        assertThat(lengths).containsExactlyInAnyOrder("34", "35", "36");
    }

    @Test
    void taskOfTheProcessKindRunsInAWorkerJvm() throws Exception {
        List<String> out = run(IsolatedExample.class);

        Matcher pids = Pattern.compile("main (\\d+), worker (\\d+)").matcher(String.join("\n", out));
        assertThat(pids.matches()).as("output: %s", out).isTrue();
        assertThat(pids.group(2)).as("the worker's pid").isNotEqualTo(pids.group(1));
    }
}

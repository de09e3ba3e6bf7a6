package dev.background.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.ParseResult;

class CommandLineTest {

    private static ParseResult parseDemo(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "demo";
        System.arraycopy(args, 0, all, 1, args.length);
        return BackgroundCommand.commandLine(
                        new java.io.PrintWriter(java.io.Writer.nullWriter()),
                        new java.io.PrintWriter(java.io.Writer.nullWriter()),
                        false)
                .parseArgs(all)
                .subcommand();
    }

    @Test
    void demoOptionsParseToTheirValues() {
        ParseResult demo = parseDemo("--runs", "7", "--n", "3", "--sleep", "1.5s", "--executor", "VIRTUAL", "--crank");

        assertThat(demo.<Integer>matchedOptionValue("--runs", null)).isEqualTo(7);
        assertThat(demo.<Integer>matchedOptionValue("--n", null)).isEqualTo(3);
        assertThat(demo.<Duration>matchedOptionValue("--sleep", null)).isEqualTo(Duration.ofMillis(1500));
        assertThat(demo.<ExecutorChoice>matchedOptionValue("--executor", null)).isEqualTo(ExecutorChoice.VIRTUAL);
        assertThat(demo.hasMatchedOption("--crank")).isTrue();
    }

    @Test
    void demoDefaultsAreLeftToTheCommandAndTheExecutorIsThreads() {
        ParseResult demo = parseDemo();

        assertThat(demo.hasMatchedOption("--runs")).isFalse();
        assertThat(demo.commandSpec().findOption("--executor").<ExecutorChoice>getValue())
                .isEqualTo(ExecutorChoice.THREADS);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "demo --runs 0          | '--runs': 0 is too small; use a whole number of at least 1",
                "demo --runs -5         | '--runs': -5 is too small; use a whole number of at least 1",
                "demo --runs ten        | '--runs': 'ten' is not a whole number; use a whole number of at least 1 and at most 1000000",
                "demo --runs 1000001    | '--runs': 1000001 is too large; use at most 1000000",
                "demo --n 1.5           | '--n': '1.5' is not a whole number; use a whole number of at least 1",
                "demo --n 0             | '--n': 0 is too small; use a whole number of at least 1",
                "demo --n -1            | '--n': -1 is too small",
                "demo --executor fibers | '--executor': 'fibers' is not an executor; use one of threads, virtual, processes, cluster",
                "demo --sleep soon      | '--sleep': 'soon' is not a duration; use a number and a unit (500ms, 1s, 1.5s, 2m, 1h) or ISO-8601 (PT1.5S)",
                "demo --sleep 10        | '--sleep': '10' is not a duration",
                "demo --sleep PT-1S     | '--sleep': 'PT-1S' is negative; use zero or more",
                "demo --rusn 3          | Unknown options: '--rusn', '3'; did you mean --runs?",
                "demo --runs            | Missing required parameter for option '--runs'",
                "frobnicate             | 'frobnicate' is not a command; use one of demo, worker, help",
            })
    void badInputGetsOneLineSayingWhatIsWrongAndExitCode2(String args, String expected) {
        Run run = Run.of(args.trim().split("\\s+"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err())
                .contains(expected.trim())
                .contains("--help")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void noCommandAtAllSaysWhichAreThere() {
        Run run = Run.of();

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .isEqualTo("background: a command is needed; use one of demo, worker, help (see 'background --help')"
                        + System.lineSeparator());
    }

    @ParameterizedTest
    @CsvSource({"--help", "-h"})
    void helpOnTheTopCommandListsTheCommands(String flag) {
        Run run = Run.of(flag);

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: background").contains("demo").contains("Start with: background demo");
    }

    @Test
    void helpOnDemoDescribesEveryOptionWithItsDefault() {
        Run run = Run.of("demo", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains("Usage: background demo")
                .contains("--runs=<runs>")
                .contains("Default: 10; 100 with --crank")
                .contains("--n=<n>")
                .contains("--sleep=<duration>")
                .contains("--sleep 10s is")
                .contains("--executor=<kind>")
                .contains("threads, virtual")
                .contains("--crank");
        assertThat(Run.of("help", "demo").out()).isEqualTo(run.out());
    }

    /** A command that fails while running, as a bug would. */
    @picocli.CommandLine.Command(name = "boom")
    static final class Boom implements java.util.concurrent.Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalStateException("the boom command always fails");
        }
    }

    @Test
    void aFailureWhileRunningExitsWith1AndShowsTheErrorWithItsStackTrace() {
        java.io.StringWriter err = new java.io.StringWriter();
        int code = BackgroundCommand.commandLine(
                        new java.io.PrintWriter(java.io.Writer.nullWriter()), new java.io.PrintWriter(err), false)
                .addSubcommand(new Boom())
                .execute("boom");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString())
                .startsWith("background boom: failed: java.lang.IllegalStateException: the boom command always fails")
                .contains("\tat " + Boom.class.getName() + ".call");
    }

    @Test
    void versionNamesTheJavaItRunsOn() {
        Run run = Run.of("--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .startsWith("background ")
                .contains("Java " + Runtime.version().feature());
    }

    /** Regression: a subcommand's --version and -V printed nothing (no version provider of its own). */
    @ParameterizedTest(name = "background {0}")
    @ValueSource(strings = {"", "demo", "worker", "help"})
    void everyCommandPrintsTheBuildsVersionWithVersionAndV(String command) {
        String expected = System.getProperty("background.test.version");
        assertThat(expected)
                .as("the build's version, given to the tests")
                .isNotBlank()
                .doesNotContain("${");
        assertThat(BackgroundCommand.commandLine(
                                new java.io.PrintWriter(java.io.Writer.nullWriter()),
                                new java.io.PrintWriter(java.io.Writer.nullWriter()),
                                false)
                        .getSubcommands()
                        .keySet())
                .as("the commands this test covers")
                .containsExactlyInAnyOrder("demo", "worker", "help");

        for (String option : new String[] {"--version", "-V"}) {
            Run run = command.isEmpty() ? Run.of(option) : Run.of(command, option);

            assertThat(run.exitCode()).as(option).isZero();
            assertThat(run.out()).as(option).startsWith("background " + expected + ", Java ");
            assertThat(run.err()).as(option).isEmpty();
        }
    }
}

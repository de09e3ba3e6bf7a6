package dev.background.cli;

import dev.background.dashboard.Dashboard;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code background demo}: the seed post's story with real timings; see {@link Story}.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "The post's story: a slow function that returns a DataFrame, called in the background.",
            "",
            "Defines the post's long_func (sleeps, then returns a Tablesaw Table with one column,"
                    + " number_squared = i*i), calls it --runs times in the background and prints what the"
                    + " post's %%time prints: the CPU and wall time of the submits alone (microseconds),"
                    + " then, after a progress bar, of the whole; the concatenated table; and the speed-up"
                    + " over calling it one call after another, with its reason: n calls run at once, so"
                    + " runs calls take ceil(runs/n) waves of one call each.",
            "",
            "The defaults keep it short: 10 calls of 1s, 10 at once, done in about one second."
                    + " --sleep 10s tells the post's story exactly (10 s instead of 100 s).",
            ""
        },
        optionListHeading = "Options:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  background demo                      10 calls of 1s, n = 10: about 1 s",
            "  background demo --n 3                4 waves: about 4 s",
            "  background demo --sleep 10s          the post, exactly",
            "  background demo --crank              100 calls at n = one per CPU, then 100",
            "  background demo --dashboard          the same, watched live in a browser",
            "  background demo --executor virtual --runs 10000 --n 10000 --sleep 2s"
        })
final class DemoCommand implements Callable<Integer> {
    /** The post calls long_func ten times. */
    static final int DEFAULT_RUNS = 10;
    /** The post's machine had at least ten CPU threads: its ten calls took the time of one. */
    static final int DEFAULT_N = 10;
    /** Long enough to see; the post's 10 s with --sleep 10s. */
    static final Duration DEFAULT_SLEEP = Duration.ofSeconds(1);
    /** The post's "crank it up": background.n = 100, for 100 calls. */
    static final int CRANK_RUNS = 100, CRANK_N = 100;
    /** 100 calls at n = 2 (this project's machines) take 50 waves: 5 s at 100 ms each. */
    static final Duration CRANK_SLEEP = Duration.ofMillis(100);

    @Spec
    private CommandSpec spec;

    @ParentCommand
    private BackgroundCommand parent;

    @Option(
            names = "--runs",
            paramLabel = "<runs>",
            converter = Converters.Runs.class,
            description = "How many calls of long_func (the post's n_runs), at most 1000000."
                    + " Default: 10; 100 with --crank.")
    private @Nullable Integer runs;

    @Option(
            names = "--n",
            paramLabel = "<n>",
            converter = Converters.PositiveInt.class,
            description = "How many calls run at once (the post's background.n). Default: 10, so that the"
                    + " 10 default calls run in one wave, as on the post's machine. With --crank: first the"
                    + " executor's own default (threads: one per CPU), then 100.")
    private @Nullable Integer n;

    @Option(
            names = "--sleep",
            paramLabel = "<duration>",
            converter = Converters.NonNegativeDuration.class,
            description = "How long each call sleeps: " + Durations.ACCEPTED
                    + ". Default: 1s; 100ms with --crank. --sleep 10s is the post's.")
    private @Nullable Duration sleep;

    @Option(
            names = "--executor",
            paramLabel = "<kind>",
            converter = ExecutorChoice.Converter.class,
            completionCandidates = ExecutorChoice.Names.class,
            defaultValue = "threads",
            description = "What the calls run on: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}"
                    + " (platform threads, like Python's background); virtual threads suit calls that mostly wait.")
    private ExecutorChoice executor;

    @Option(
            names = "--crank",
            description = "\"Crank it up\": 100 calls at the executor's default n, then at n = 100, side by side.")
    private boolean crank;

    @Option(
            names = "--dashboard",
            description = "Serve a live page of the demo's pools on this machine (progress per function, task"
                    + " stream, throughput, latency, workers, failures) and print its address; it stays live"
                    + " through the story.")
    private boolean dashboard;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        boolean terminal = parent != null && parent.terminal();
        try (Dashboard page = dashboard ? Dashboard.builder().allPools().start() : null) {
            if (page != null) {
                out.printf("Dashboard: %s   (live while the demo runs)%n%n", page.uri());
                out.flush();
            }
            tell(out, terminal);
            if (page != null && terminal) {
                out.printf("%nThe dashboard stays at %s until you press Enter.%n", page.uri());
                out.flush();
                waitForEnter();
            }
        }
        return 0;
    }

    private void tell(PrintWriter out, boolean terminal) {
        if (crank) {
            int before = n != null ? n : executor.kind().defaultN();
            Story.Settings s =
                    new Story.Settings(orElse(runs, CRANK_RUNS), before, orElse(sleep, CRANK_SLEEP), executor);
            Story.crank(s, CRANK_N, out, terminal);
        } else {
            Story.Settings s = new Story.Settings(
                    orElse(runs, DEFAULT_RUNS), orElse(n, DEFAULT_N), orElse(sleep, DEFAULT_SLEEP), executor);
            Story.tell(s, out, terminal, true);
            out.println();
            out.println("Next: background demo --crank   (what raising n does; --help for the options)");
        }
        out.flush();
    }

    private static void waitForEnter() {
        try {
            int ignored = System.in.read();
        } catch (java.io.IOException e) {
            // No input to wait for: end now.
        }
    }

    private static <T> T orElse(@Nullable T value, T fallback) {
        return value != null ? value : fallback;
    }
}

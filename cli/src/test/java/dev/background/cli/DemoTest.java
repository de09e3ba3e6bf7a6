package dev.background.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.testkit.LauncherNote;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The demo end to end, in this JVM, with short sleeps. Timings are judged by generous bounds only. */
class DemoTest {
    private static final Pattern SPEED_UP = Pattern.compile("Speed-up: (\\d+(?:\\.\\d+)?)x");

    private static double reportedSpeedUp(String out) {
        Matcher m = SPEED_UP.matcher(out);
        assertThat(m.find()).as("a speed-up line in:%n%s", out).isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** The numbers of the printed table's one column, top to bottom. */
    private static List<Long> printedColumn(String out) {
        return out.lines()
                .filter(l -> l.matches("\\s*\\d+\\s*\\|\\s*"))
                .map(l -> Long.parseLong(l.replace("|", "").strip()))
                .toList();
    }

    private static List<Long> squares(int runs) {
        return LongStream.range(0, runs).map(i -> i * i).boxed().toList();
    }

    /** Processes and the cluster start fresh worker JVMs whose first calls load classes: tested on their own, below. */
    @ParameterizedTest
    @EnumSource(
            value = ExecutorChoice.class,
            names = {"THREADS", "VIRTUAL"})
    void withRunsEqualToNTheReportedSpeedUpIsWellAboveOne(ExecutorChoice executor) {
        Run run = Run.of("demo", "--runs", "10", "--n", "10", "--sleep", "200ms", "--executor", executor.label());

        assertThat(run.exitCode()).as(run.err()).isZero();
        // Ten calls of 200 ms at once: ideally 10x; 2x leaves room for a loaded machine.
        assertThat(reportedSpeedUp(run.out())).isGreaterThan(2);
        assertThat(run.out())
                .contains("n = 10 >= runs = 10: all 10 calls ran at once")
                .contains("%time")
                .contains("CPU times: user ")
                .contains("Wall time: ")
                .contains("results: 10/10")
                .contains("number_squared");
    }

    @Test
    void theClusterDemoStartsTwoWorkerJvmsAndGetsTheSquaresBack() {
        Run run = Run.of("demo", "--executor", "cluster", "--runs", "6", "--n", "3", "--sleep", "100ms");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("6 calls on a local cluster of two worker JVMs")
                .contains("results: 6/6");
        List<Long> printed = printedColumn(run.out());
        assertThat(printed).isEqualTo(squares(6));
    }

    @Test
    void theProcessesDemoRunsEachCallInAWorkerJvmAndGetsTheSquaresBackWithoutAWarningFromTheWorkers() {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream workersErr = new ByteArrayOutputStream();
        System.setErr(new PrintStream(workersErr, true, StandardCharsets.UTF_8));
        Run run;
        try {
            run = Run.of("demo", "--executor", "processes", "--runs", "4", "--n", "2", "--sleep", "100ms");
        } finally {
            System.setErr(oldErr);
        }

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("4 calls on worker JVM processes")
                .containsPattern("Worker start-up: [0-9.]+ m?s wall")
                .contains("results: 4/4")
                .contains("With the workers' start-up: ");
        List<Long> printed = printedColumn(run.out());
        assertThat(printed).isEqualTo(squares(4));
        // The pool was closed, so the workers' standard error has all been echoed: none of it came.
        assertThat(LauncherNote.strip(workersErr.toString(StandardCharsets.UTF_8)))
                .isEmpty();
    }

    @Test
    void withStartUpCountsTheWorkersStartIn() {
        assertThat(Story.withStartUp(10, Duration.ofSeconds(1), 2_000_000_000L, 1_000_000_000L))
                .isEqualTo(
                        "With the workers' start-up: 3.3x over one call after another (10.0 s -> 2.00 s + 1.00 s = 3.00 s).");
    }

    @Test
    void thePrintedTableHoldsTheSquaresInOrder() {
        Run run = Run.of("demo", "--runs", "6", "--n", "3", "--sleep", "0s");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<Long> printed = printedColumn(run.out());
        assertThat(printed).isEqualTo(squares(6));
    }

    @Test
    void theTableHoldsExactlyTheSquaresInCallOrderWhateverOrderTheCallsEnd() {
        // Zero sleep and four workers: calls end in any order; the table must not.
        Story.Batch batch = Story.tell(
                new Story.Settings(200, 4, Duration.ZERO, ExecutorChoice.THREADS),
                new PrintWriter(new StringWriter()),
                false,
                false);

        assertThat(batch.table().columnNames()).containsExactly("number_squared");
        assertThat(batch.table().longColumn("number_squared").asList()).isEqualTo(squares(200));
    }

    @Test
    void fewerWorkersThanRunsIsExplainedInWaves() {
        Run run = Run.of("demo", "--runs", "4", "--n", "2", "--sleep", "50ms");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains(
                        "n = 2 < runs = 4: at most 2 calls ran at once, so the batch took ceil(4/2) = 2 waves of 50.0 ms");
        assertThat(reportedSpeedUp(run.out())).isPositive().isLessThanOrEqualTo(2.1);
    }

    @Test
    void crankRunsTheSameBatchAtTwoValuesOfNSideBySide() {
        Run run = Run.of("demo", "--crank", "--runs", "4", "--n", "1", "--sleep", "50ms");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("Crank it up: 4 calls at n = 1, then at n = 100")
                .contains("=== n = 1 ===")
                .contains("=== n = 100 ===")
                .containsPattern("waves of 50.0 ms\\s+4\\s+1")
                .containsPattern("table rows\\s+4\\s+4")
                .contains("4 waves became 1");
    }

    @Test
    void crankSaysSoWhenTheFirstNWasAlreadyEnough() {
        Run run = Run.of("demo", "--crank", "--runs", "3", "--n", "3", "--sleep", "0s");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Both ran the 3 calls in 1 wave: n = 3 was already enough.");
    }

    @Test
    void crankStartsFromTheExecutorsDefaultN() {
        List<Story.Batch> batches = Story.crank(
                new Story.Settings(3, ExecutorChoice.THREADS.kind().defaultN(), Duration.ZERO, ExecutorChoice.THREADS),
                100,
                new PrintWriter(new StringWriter()),
                false);

        assertThat(batches)
                .extracting(b -> b.settings().n())
                .containsExactly(Runtime.getRuntime().availableProcessors(), 100);
        assertThat(batches)
                .allSatisfy(
                        b -> assertThat(b.table().longColumn("number_squared").asList())
                                .isEqualTo(squares(3)));
    }

    @Test
    void verdictExplainsTheSpeedUpByWaves() {
        assertThat(Story.verdict(10, 4, Duration.ofSeconds(1), 3_000_000_000L))
                .startsWith("Speed-up: 3.3x over one call after another (10.0 s -> 3.00 s).")
                .contains(
                        "ceil(10/4) = 3 waves of 1.00 s, 3.00 s at best (a speed-up of at most 3.3x); n = 10 would run it in one wave.");
        assertThat(Story.verdict(10, 10, Duration.ofSeconds(10), 10_010_000_000L))
                .startsWith("Speed-up: 10.0x")
                .endsWith("all 10 calls ran at once, so the batch took about one call's time (1 wave of 10.0 s).");
        assertThat(Story.verdict(5, 5, Duration.ZERO, 1_000)).contains("nothing to overlap");
    }

    @Test
    void verdictSaysWhereTheTimeWentWhenWorkersHadToStartFirst() {
        assertThat(Story.verdict(10, 10, Duration.ofSeconds(1), 5_340_000_000L))
                .contains("1 wave of 1.00 s")
                .endsWith("Beyond those waves, 4.34 s went to getting the workers ready (starting worker JVMs,"
                        + " loading classes in them): a pool pays it once, not per batch.");
        assertThat(Story.verdict(10, 10, Duration.ofSeconds(1), 1_100_000_000L)).doesNotContain("workers ready");
    }
}

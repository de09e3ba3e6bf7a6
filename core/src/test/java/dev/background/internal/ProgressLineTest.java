package dev.background.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The progress line's decisions, driven by a made-up clock (seconds as nanoseconds). */
class ProgressLineTest {
    private static final long S = 1_000_000_000L;
    private static final String NL = System.lineSeparator();

    @Test
    void onATerminalItRedrawsInPlaceAtMostOncePerIntervalAndEndsWithANewline() {
        ProgressLine line = new ProgressLine("square", 100, true, S / 10, 0, false);
        assertThat(line.update(0, 0, 0)).isEqualTo("\rsquare: 0/100 |....................| 0% 0.0/s ETA ?");
        assertThat(line.update(5, 0, S / 20)).as("within the interval").isNull();
        assertThat(line.update(25, 1, 5 * S))
                .isEqualTo("\rsquare: 25/100 |#####...............| 25% 5.0/s ETA 0:15, 1 failed");
        assertThat(line.update(100, 1, 20 * S))
                .as("the end is drawn at once, with a newline")
                .isEqualTo("\rsquare: 100/100 |####################| 100% 5.0/s in 0:20, 1 failed" + NL);
        assertThat(line.update(100, 1, 30 * S)).as("nothing after the end").isNull();
    }

    @Test
    void aShorterLineIsPaddedOverTheLongerOneBefore() {
        ProgressLine line = new ProgressLine("square", 100, true, 0, 0, false);
        assertThat(line.update(1, 0, 40 * S)).isEqualTo("\rsquare: 1/100 |....................| 1% 0.0/s ETA 1:06:00");
        assertThat(line.update(99, 0, 41 * S)).isEqualTo("\rsquare: 99/100 |###################.| 99% 2.4/s ETA 0:00 ");
    }

    @Test
    void elsewhereItPrintsOneLinePerTenthAndTheLast() {
        ProgressLine line = new ProgressLine("calls", 1000, false, S / 10, 0, true);
        assertThat(line.update(0, 0, 0)).isEqualTo("calls: 0/1000 0% 0.0/s ETA ?" + NL);
        assertThat(line.update(50, 0, S)).as("still in the first tenth").isNull();
        assertThat(line.update(100, 0, 2 * S)).isEqualTo("calls: 100/1000 10% 50.0/s ETA 0:18" + NL);
        assertThat(line.update(150, 0, 3 * S)).isNull();
        assertThat(line.update(999, 3, 4 * S)).isEqualTo("calls: 999/1000 99% 249.8/s ETA 0:00, 3 failed" + NL);
        assertThat(line.update(1000, 3, 3600 * S)).isEqualTo("calls: 1000/1000 100% 0.3/s in 1:00:00, 3 failed" + NL);
        assertThat(line.update(1000, 3, 3601 * S)).isNull();
    }

    @Test
    void smallBatchesGetALinePerTask() {
        ProgressLine line = new ProgressLine("few", 3, false, 0, 0, true);
        assertThat(line.update(1, 0, S)).isEqualTo("few: 1/3 33% 1.0/s ETA 0:02" + NL);
        assertThat(line.update(1, 0, 2 * S)).as("no change, no line").isNull();
        assertThat(line.update(3, 0, 3 * S)).isEqualTo("few: 3/3 100% 1.0/s in 0:03" + NL);
    }

    @Test
    void anEmptyBatchIsDoneAtOnce() {
        ProgressLine line = new ProgressLine("none", 0, false, 0, 0, true);
        assertThat(line.update(0, 0, 0)).isEqualTo("none: 0/0 100% 0.0/s in 0:00" + NL);
    }
}

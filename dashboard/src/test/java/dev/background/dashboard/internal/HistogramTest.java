package dev.background.dashboard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HistogramTest {
    @Test
    void bucketsGrowWithTheValueAndHoldIt() {
        int last = -1;
        for (long v = 0; v < 1L << 40; v = v < 16 ? v + 1 : v + v / 7) {
            int i = Histogram.index(v);
            assertThat(i).isGreaterThanOrEqualTo(last).isLessThan(Histogram.BUCKETS);
            last = i;
            // The middle of a value's bucket is within the bucket's width (a quarter of an octave).
            assertThat(Histogram.middle(i)).isBetween(v * 0.8, v * 1.25 + 1);
        }
        assertThat(Histogram.index(Long.MAX_VALUE)).isLessThan(Histogram.BUCKETS);
        assertThat(Histogram.index(-5)).isZero();
    }

    @Test
    void percentilesOfTheValuesBetweenTwoReadings() {
        Histogram h = new Histogram();
        for (int i = 0; i < 1000; i++) {
            h.add(1_000_000);
        }
        long[] before = h.counts();
        for (int i = 1; i <= 100; i++) {
            h.add(i * 1_000_000L);
        }
        long[] after = h.counts();
        assertThat(Histogram.percentile(before, after, 0.5)).isBetween(42e6, 60e6);
        assertThat(Histogram.percentile(before, after, 0.99)).isBetween(85e6, 120e6);
        assertThat(Histogram.percentile(after, after, 0.5)).isZero();
    }
}

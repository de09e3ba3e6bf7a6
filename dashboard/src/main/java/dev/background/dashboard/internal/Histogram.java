package dev.background.dashboard.internal;

import java.util.concurrent.atomic.LongAdder;

/**
 * Durations counted in logarithmic buckets, four per power of two (each bucket about 19 % wide),
 * from 1 ns to the largest long: a fixed 256 counters whatever the number of values. Counts only
 * grow; a reader takes {@link #counts()} now and again and works on the difference between two
 * readings, so writers never wait for readers and no value is lost at a reading's edge.
 *
 * <p>Thread-safe: {@link #add} from any number of threads (a {@link LongAdder} per bucket, so
 * threads adding to the same bucket do not contend on one word).
 */
final class Histogram {
    static final int BUCKETS = 256;

    private final LongAdder[] buckets = new LongAdder[BUCKETS];

    Histogram() {
        for (int i = 0; i < BUCKETS; i++) {
            buckets[i] = new LongAdder();
        }
    }

    void add(long nanos) {
        buckets[index(nanos)].increment();
    }

    long[] counts() {
        long[] counts = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] = buckets[i].sum();
        }
        return counts;
    }

    static int index(long nanos) {
        long v = Math.max(nanos, 0);
        if (v < 4) {
            return (int) v;
        }
        int exp = 63 - Long.numberOfLeadingZeros(v);
        int sub = (int) (v >>> (exp - 2)) & 3;
        return exp * 4 + sub;
    }

    /** The middle of a bucket, the value a percentile in it reports. */
    static double middle(int index) {
        if (index < 4) {
            return index;
        }
        int exp = index / 4;
        int sub = index % 4;
        double low = Math.scalb(4.0 + sub, exp - 2);
        return low + Math.scalb(1.0, exp - 3);
    }

    /**
     * The percentile {@code p} of the values counted between two readings.
     *
     * @param before the earlier reading
     * @param after the later one
     * @param p between 0 and 1
     * @return the middle of the bucket holding it, in nanoseconds; 0 when nothing was counted
     */
    static double percentile(long[] before, long[] after, double p) {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += after[i] - before[i];
        }
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(p * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += after[i] - before[i];
            if (seen >= rank) {
                return middle(i);
            }
        }
        return middle(BUCKETS - 1);
    }
}

package dev.background.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A stopwatch that reads what IPython's {@code %time} prints: CPU times (user, sys, total) and
 * wall time. Start it with {@link #start()}, read it with {@link #elapsed()} as often as needed.
 *
 * <p>CPU times are those of the thread that started the stopwatch: the cost of the code being
 * timed, such as a loop of submits. Their total is exact ({@link ThreadMXBean}, nanoseconds). Linux
 * samples the split between user and sys only at each clock tick (10 ms), so the split follows the
 * kernel's own rule for {@code getrusage}, which Python's {@code %time} reads: the exact total,
 * divided in the ratio of the sampled ticks, all of it user time when no tick was sampled. Because a
 * JVM runs more than that thread (the pool's workers, the JIT compiler, the garbage collector),
 * each reading also carries the CPU time of the whole JVM process (from
 * {@code com.sun.management.OperatingSystemMXBean}, else {@link ProcessHandle}); Python's
 * {@code %time}, with no JIT, reports roughly the sum of the two.
 *
 * <p>A stopwatch is meant for one thread: {@link #elapsed()} must be called from the thread that
 * called {@link #start()}, or the thread CPU times are those of another thread and are reported as
 * unavailable. Readings that the platform cannot take are negative and print as {@code n/a}. The
 * whole JVM's CPU time is sampled at the clock tick too, so it reads {@code < 10 ms} below one.
 */
public final class Timing {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static final Path THREAD_STAT = Path.of("/proc/thread-self/stat");

    private final Thread owner = Thread.currentThread();
    private final long[] ticks0 = sampledTicks();
    private final long process0 = processCpuNanos();
    private final long cpu0 = threadCpuNanos();
    private final long wall0 = System.nanoTime();

    private Timing() {}

    /**
     * Starts a stopwatch now, in the calling thread.
     *
     * @return the running stopwatch
     */
    public static Timing start() {
        return new Timing();
    }

    /**
     * What has elapsed since {@link #start()}; the stopwatch keeps running.
     *
     * @return the reading
     */
    public Measurement elapsed() {
        long wall = System.nanoTime() - wall0;
        long process = processCpuNanos();
        long processDelta = process0 < 0 || process < 0 ? -1 : process - process0;
        long cpu1 = threadCpuNanos();
        if (Thread.currentThread() != owner || cpu0 < 0 || cpu1 < 0) {
            return new Measurement(wall, -1, -1, processDelta);
        }
        long total = cpu1 - cpu0;
        long[] ticks1 = sampledTicks();
        long userTicks = ticks1[0] - ticks0[0];
        long sysTicks = ticks1[1] - ticks0[1];
        long user = userTicks + sysTicks <= 0 ? total : (long) (total * ((double) userTicks / (userTicks + sysTicks)));
        return new Measurement(wall, user, total - user, processDelta);
    }

    /**
     * The calling thread's user and sys time as the kernel samples them, in any unit (only their
     * ratio is used): clock ticks from {@code /proc/thread-self/stat} on Linux, else the
     * {@link ThreadMXBean} figures; {0, 0} when neither is available.
     */
    private static long[] sampledTicks() {
        try {
            String stat = Files.readString(THREAD_STAT);
            // Fields after the command name, which may hold blanks: state is field 3, utime 14, stime 15.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
        } catch (IOException | RuntimeException e) {
            try {
                long user = THREADS.getCurrentThreadUserTime();
                long cpu = THREADS.getCurrentThreadCpuTime();
                return user < 0 || cpu < 0 ? new long[] {0, 0} : new long[] {user, Math.max(0, cpu - user)};
            } catch (UnsupportedOperationException unsupported) {
                return new long[] {0, 0};
            }
        }
    }

    /** The calling thread's exact CPU time, or -1 where the JVM cannot measure it (or not for this thread). */
    private static long threadCpuNanos() {
        try {
            return THREADS.getCurrentThreadCpuTime();
        } catch (UnsupportedOperationException e) {
            return -1;
        }
    }

    /** CPU time of this whole JVM process in nanoseconds, or -1 if the platform does not tell. */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long t = os.getProcessCpuTime();
            if (t >= 0) {
                return t;
            }
        }
        return ProcessHandle.current()
                .info()
                .totalCpuDuration()
                .map(Duration::toNanos)
                .orElse(-1L);
    }

    /**
     * One reading of a {@link Timing}. Any figure the platform could not measure is negative.
     *
     * @param wallNanos wall-clock time
     * @param userNanos CPU time of the timing thread in user mode
     * @param sysNanos CPU time of the timing thread in the kernel
     * @param processCpuNanos CPU time of the whole JVM process, all threads, user and kernel
     */
    public record Measurement(long wallNanos, long userNanos, long sysNanos, long processCpuNanos) {

        /**
         * User plus sys time of the timing thread.
         *
         * @return the total, or -1 if not measured
         */
        public long totalNanos() {
            return userNanos < 0 || sysNanos < 0 ? -1 : userNanos + sysNanos;
        }

        /**
         * The {@code %time} CPU line, e.g.
         * {@code CPU times: user 412 µs, sys 88.0 µs, total 500 µs (this thread; whole JVM: 3.20 ms)}.
         *
         * @return the line, without line end
         */
        public String cpuLine() {
            return "CPU times: user " + Durations.format(userNanos) + ", sys " + Durations.format(sysNanos)
                    + ", total " + Durations.format(totalNanos())
                    + " (this thread; whole JVM: "
                    + (processCpuNanos == 0 ? "< 10 ms" : Durations.format(processCpuNanos)) + ")";
        }

        /**
         * The {@code %time} wall line, e.g. {@code Wall time: 1.01 s}.
         *
         * @return the line, without line end
         */
        public String wallLine() {
            return "Wall time: " + Durations.format(wallNanos);
        }

        /** Both lines, as {@code %time} prints them. */
        @Override
        public String toString() {
            return cpuLine() + System.lineSeparator() + wallLine();
        }
    }
}

package dev.background.cli;

import java.io.Console;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows how many of a batch's results have arrived: a live bar on a terminal
 * ({@code me.tongfei:progressbar}), plain lines elsewhere (a pipe, a file, a test), so that logs
 * carry no carriage returns. One instance per batch; {@link #step()} and {@link #close()} are
 * called by the one thread that waits for the results.
 */
interface Progress extends AutoCloseable {

    /** One more result has arrived. */
    void step();

    /** The batch is over: finishes the display. Idempotent. */
    @Override
    void close();

    /**
     * Opens the display for a batch.
     *
     * @param terminal whether to draw a live bar on {@code System.out}
     * @param out where plain lines go (and what to flush before the bar draws)
     * @param name what is counted, e.g. {@code results}
     * @param total how many steps make the whole
     * @return the open display
     */
    static Progress open(boolean terminal, PrintWriter out, String name, int total) {
        out.flush();
        return terminal ? new Bar(name, total) : new Lines(out, name, total);
    }

    /**
     * Whether standard output is an interactive terminal. On JDK 22+ {@code System.console()} is
     * not null for a pipe either, so {@code Console.isTerminal()} (22+) decides when it exists.
     *
     * @return true for a terminal
     */
    @SuppressWarnings("SystemConsoleNull") // null means no terminal on JDK 21; 22+ asks isTerminal below
    static boolean stdoutIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // JDK 21: a console exists only for a terminal
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /** The live bar. */
    final class Bar implements Progress {
        private final ProgressBar bar;

        Bar(String name, int total) {
            PrintStream stdout = System.out;
            boolean unicode = Charset.defaultCharset().newEncoder().canEncode('█')
                    && stdout.charset().newEncoder().canEncode('█');
            this.bar = new ProgressBarBuilder()
                    .setTaskName(name)
                    .setInitialMax(total)
                    .setStyle(unicode ? ProgressBarStyle.COLORFUL_UNICODE_BLOCK : ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(100)
                    .setConsumer(new ConsoleProgressBarConsumer(stdout))
                    .build();
        }

        @Override
        public void step() {
            bar.step();
        }

        @Override
        public void close() {
            bar.close();
        }
    }

    /**
     * Plain lines: one per tenth of the batch (one per result when there are at most 20), with
     * the time since the batch began.
     */
    final class Lines implements Progress {
        private final PrintWriter out;
        private final String name;
        private final int total;
        private final long t0 = System.nanoTime();
        private int done;
        private int lastShownTenth = 0;

        Lines(PrintWriter out, String name, int total) {
            this.out = out;
            this.name = name;
            this.total = total;
        }

        @Override
        public void step() {
            done++;
            int tenth = (int) ((long) done * 10 / total);
            if (total <= 20 || tenth > lastShownTenth || done == total) {
                lastShownTenth = tenth;
                out.printf("  %s: %d/%d (%s)%n", name, done, total, Durations.format(System.nanoTime() - t0));
                out.flush();
            }
        }

        @Override
        public void close() {
            // every line is out already
        }
    }
}

package dev.background.internal;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What a progress display shows, and when: the decisions of {@link dev.background.Progress}
 * without threads, clocks or terminals, so that tests drive them with made-up times.
 *
 * <p>On a terminal the line is redrawn in place ({@code \r}, padded over the previous one) at
 * most once per interval, and once more, ended by a newline, when the batch is over. Elsewhere
 * (a pipe, a file, JShell) it writes whole lines: one per tenth of the batch (one per task when
 * there are at most 20) and the last, so that logs carry no carriage returns. Not thread-safe:
 * one thread, the one that waits for the batch, calls it.
 */
public final class ProgressLine {
    private static final int BAR = 20;

    private final String name;
    private final int total;
    private final boolean terminal;
    private final long intervalNanos;
    private final long startNanos;
    private final boolean unicode;
    private long lastDrawNanos;
    private boolean drawn;
    private int lastTenth = -1;
    private int lastDone = -1;
    private int lastWidth;
    private boolean finished;

    /**
     * @param name what is counted
     * @param total how many tasks make the batch
     * @param terminal whether to redraw one line in place
     * @param intervalNanos the least time between two redraws on a terminal
     * @param startNanos when the batch began, on the clock later times come from
     * @param unicode whether the output can show block characters for the bar
     */
    public ProgressLine(
            String name, int total, boolean terminal, long intervalNanos, long startNanos, boolean unicode) {
        this.name = name;
        this.total = total;
        this.terminal = terminal;
        this.intervalNanos = intervalNanos;
        this.startNanos = startNanos;
        this.unicode = unicode;
    }

    /**
     * What to write now, if anything.
     *
     * @param done how many tasks have ended
     * @param failed how many of those failed or were cancelled
     * @param nowNanos the time now
     * @return the text to write as it is (with its {@code \r} or newline), or null for nothing
     */
    public @Nullable String update(int done, int failed, long nowNanos) {
        if (finished) {
            return null;
        }
        boolean last = done >= total;
        if (terminal) {
            if (!last && drawn && nowNanos - lastDrawNanos < intervalNanos) {
                return null;
            }
            drawn = true;
            lastDrawNanos = nowNanos;
            finished = last;
            String text = format(done, failed, nowNanos, true);
            int pad = Math.max(0, lastWidth - text.length());
            lastWidth = text.length();
            return "\r" + text + " ".repeat(pad) + (last ? System.lineSeparator() : "");
        }
        int tenth = total == 0 ? 10 : (int) ((long) done * 10 / total);
        boolean show = last || (total <= 20 ? done != lastDone : tenth > lastTenth);
        if (!show || done == lastDone) {
            return null;
        }
        lastTenth = tenth;
        lastDone = done;
        finished = last;
        return format(done, failed, nowNanos, false) + System.lineSeparator();
    }

    /** The line: name, done/total, a bar (terminal only), percent, rate, time left, failures. */
    String format(int done, int failed, long nowNanos, boolean bar) {
        double seconds = Math.max(0, nowNanos - startNanos) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        int percent = total == 0 ? 100 : (int) ((long) done * 100 / total);
        StringBuilder b = new StringBuilder(96).append(name).append(": ");
        b.append(done).append('/').append(total).append(' ');
        if (bar) {
            int filled = total == 0 ? BAR : (int) ((long) done * BAR / total);
            b.append('|')
                    .append(String.valueOf(unicode ? '█' : '#').repeat(filled))
                    .append(String.valueOf(unicode ? '░' : '.').repeat(BAR - filled))
                    .append("| ");
        }
        b.append(percent).append("% ");
        b.append(String.format(Locale.ROOT, "%.1f/s", rate));
        if (done < total) {
            b.append(" ETA ").append(rate > 0 ? clock((total - done) / rate) : "?");
        } else {
            b.append(" in ").append(clock(seconds));
        }
        if (failed > 0) {
            b.append(", ").append(failed).append(" failed");
        }
        return b.toString();
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour. */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        long h = s / 3600, m = s / 60 % 60, sec = s % 60;
        return h > 0
                ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }
}

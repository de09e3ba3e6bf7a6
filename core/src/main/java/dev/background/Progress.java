package dev.background;

import dev.background.internal.ProgressLine;
import java.io.Console;
import java.io.Flushable;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A one-line progress display for a batch of tasks, like tqdm's {@code thread_map}: how many
 * have ended out of how many, the rate, the time left, and how many failed.
 *
 * <pre>{@code
 * List<Task<Table>> futures = IntStream.range(0, 100).mapToObj(longFunc::apply).toList();
 * Progress.of(futures).named("longFunc").await();
 * // longFunc: 37/100 |███████░░░░░░░░░░░░░| 37% 12.3/s ETA 0:05, 2 failed
 * }</pre>
 *
 * <p>On a terminal the line is redrawn in place, at most ten times a second; anywhere else (a
 * pipe, a file, a CI log, JShell) it prints plain lines, one per tenth of the batch (one per
 * task for 20 tasks or fewer) and one at the end. It goes to {@code System.err} unless told
 * otherwise. It watches the tasks' ends, so it works the same on every executor kind.
 *
 * <p>Not thread-safe while being configured; {@link #await()} draws in the calling thread.
 */
public final class Progress {
    /*
     * Maintainers' overview. The tasks' ends only count (an AtomicInteger of failures, a latch of
     * what is left), in whichever threads end them; the thread in await() alone reads the counts
     * and draws, waking at least once per interval. The decisions (what to draw, when) are
     * ProgressLine's, tested without threads or clocks.
     */
    private static final Duration DEFAULT_INTERVAL = Duration.ofMillis(100);

    private final List<? extends Task<?>> tasks;
    private String name = "tasks";
    private Appendable out = System.err;
    private @Nullable Boolean terminal;
    private Duration interval = DEFAULT_INTERVAL;

    private Progress(List<? extends Task<?>> tasks) {
        this.tasks = tasks;
    }

    /**
     * A display for {@code tasks}.
     *
     * @param tasks the batch (a snapshot is taken)
     * @return the display, not yet shown
     * @throws NullPointerException if {@code tasks} or an element is null
     */
    public static Progress of(Collection<? extends Task<?>> tasks) {
        Objects.requireNonNull(tasks, "tasks");
        return new Progress(List.copyOf(tasks)); // List.copyOf refuses null elements
    }

    /**
     * Names what is counted, at the start of the line (default {@code "tasks"}).
     *
     * @param name the name
     * @return this display
     * @throws NullPointerException if {@code name} is null
     */
    public Progress named(String name) {
        this.name = Objects.requireNonNull(name, "name");
        return this;
    }

    /**
     * Where the display goes (default {@code System.err}); flushed after each draw if it is
     * {@link Flushable}.
     *
     * @param out a {@code PrintStream}, {@code PrintWriter}, {@code StringBuilder}...
     * @return this display
     * @throws NullPointerException if {@code out} is null
     */
    public Progress to(Appendable out) {
        this.out = Objects.requireNonNull(out, "out");
        return this;
    }

    /**
     * Whether to redraw one line in place (true) or print plain lines (false). By default, true
     * only when the JVM runs on an interactive terminal.
     *
     * @param terminal whether the output is a terminal
     * @return this display
     */
    public Progress terminal(boolean terminal) {
        this.terminal = terminal;
        return this;
    }

    /**
     * The least time between two redraws on a terminal (default 100 ms).
     *
     * @param interval the interval
     * @return this display
     * @throws NullPointerException if {@code interval} is null
     * @throws IllegalArgumentException if {@code interval} is negative
     */
    public Progress every(Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative()) {
            throw new IllegalArgumentException("interval must not be negative: " + interval);
        }
        this.interval = interval;
        return this;
    }

    /**
     * Shows the progress until every task has ended, then returns. Failures are counted, not
     * thrown: look at the tasks, or use {@link Tasks#gather}.
     *
     * <p>Blocks the calling thread, which does all the drawing; the tasks' ends only count.
     *
     * @throws TaskException if the thread is interrupted while waiting (the interrupt status is
     *     set again); the tasks go on
     * @throws UncheckedIOException if writing to the output fails
     */
    @SuppressWarnings("FutureReturnValueIgnored") // onDone returns its task, for chaining; nothing to check
    public void await() {
        long start = System.nanoTime();
        boolean onTerminal = terminal != null ? terminal : stderrIsTerminal();
        ProgressLine line =
                new ProgressLine(name, tasks.size(), onTerminal, interval.toNanos(), start, canShowBlocks(out));
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch left = new CountDownLatch(tasks.size());
        for (Task<?> t : tasks) {
            t.onDone(ended -> {
                if (ended.state() != Future.State.SUCCESS) {
                    failed.incrementAndGet();
                }
                left.countDown();
            });
        }
        long wait = onTerminal ? Math.max(1, interval.toNanos()) : TimeUnit.MILLISECONDS.toNanos(100);
        try {
            while (true) {
                boolean all = left.await(wait, TimeUnit.NANOSECONDS);
                int done = tasks.size() - (int) left.getCount();
                draw(line.update(done, failed.get(), System.nanoTime()));
                if (all) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskException("interrupted while showing the progress of " + name, e);
        }
    }

    private void draw(@Nullable String text) {
        if (text == null) {
            return;
        }
        try {
            out.append(text);
            if (out instanceof Flushable f) {
                f.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean canShowBlocks(Appendable out) {
        Charset charset = out instanceof PrintStream ps ? ps.charset() : Charset.defaultCharset();
        return charset.newEncoder().canEncode('█');
    }

    /**
     * Whether the JVM runs on an interactive terminal. On JDK 22+ {@code System.console()} is
     * not null for a pipe either, so {@code Console.isTerminal()} (22+) decides when it exists.
     */
    @SuppressWarnings("SystemConsoleNull") // null means no terminal on JDK 21; 22+ asks isTerminal below
    private static boolean stderrIsTerminal() {
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
}

package dev.background.testkit;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import org.awaitility.Awaitility;

/**
 * A one-shot flag that tasks and tests share across threads and processes: a file that exists
 * once the signal is fired, optionally holding a value. Serializable (it is only a path), so a
 * task lambda may capture it and still run on worker processes or cluster members of the same
 * machine.
 *
 * <p>Uses {@code java.io} only, never interruptible NIO channels, so that firing a signal from a
 * task that is being interrupted (the point of many tests) cannot be lost to a
 * {@code ClosedByInterruptException}. Fired by an atomic rename, so a reader never sees half a
 * value.
 *
 * @param path the file that marks the signal as fired
 */
public record Signal(String path) implements Serializable {

    /** How long a test waits for something that should happen; only a failing test waits it out. */
    public static final Duration PATIENCE = Duration.ofSeconds(30);

    /** Fires the signal with an empty value. Idempotent (a later fire replaces the value). */
    public void fire() {
        fire("");
    }

    /**
     * Fires the signal with a value.
     *
     * @param value what {@link #value()} returns
     */
    public void fire(String value) {
        File tmp = new File(path + "." + ProcessHandle.current().pid() + "."
                + Thread.currentThread().threadId() + ".tmp");
        try (FileOutputStream out = new FileOutputStream(tmp)) {
            out.write(value.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!tmp.renameTo(new File(path))) {
            throw new IllegalStateException("could not fire " + path);
        }
    }

    /** Returns whether the signal was fired. */
    public boolean isFired() {
        return new File(path).exists();
    }

    /** Returns the value it was fired with, or null if not fired. */
    public String value() {
        try {
            return isFired() ? Files.readString(new File(path).toPath()) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * For tasks: blocks until the signal is fired, polling. Interruptible, as a task's blocking
     * call should be.
     *
     * @throws InterruptedException if the task is interrupted while waiting
     */
    public void block() throws InterruptedException {
        while (!isFired()) {
            Thread.sleep(2);
        }
    }

    /**
     * For tests: waits (with Awaitility, at most {@link #PATIENCE}) until the signal is fired.
     *
     * @return the value it was fired with
     */
    public String await() {
        Awaitility.await("signal " + new File(path).getName())
                .atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(5))
                .until(this::isFired);
        return value();
    }
}

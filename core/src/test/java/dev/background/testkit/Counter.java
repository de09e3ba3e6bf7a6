package dev.background.testkit;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.Serializable;
import java.io.UncheckedIOException;

/**
 * A counter of tasks running at once that works across threads and processes: {@link #enter()}
 * when a task starts, {@link #exit()} when it ends; {@link #max()} is the most ever inside at
 * once and {@link #total()} how many entered in all. Serializable (it is only a path), so task
 * lambdas may capture it and still run on worker processes of the same machine.
 *
 * <p>Mutual exclusion is an atomic {@code mkdir} of a lock directory (it works between threads
 * and between processes alike); the three numbers live in a file read and written with
 * {@code java.io}, which, unlike NIO channels, an interrupt cannot break. So a task may be
 * interrupted while it counts, and the count stays right.
 *
 * @param path the file holding the numbers
 */
public record Counter(String path) implements Serializable {

    /** Counts one more task inside. @return how many are inside now, this one included */
    public long enter() {
        return update(+1)[0];
    }

    /** Counts one task less inside. */
    public void exit() {
        update(-1);
    }

    /** Returns how many are inside now. */
    public long current() {
        return update(0)[0];
    }

    /** Returns the most that were ever inside at once. */
    public long max() {
        return update(0)[1];
    }

    /** Returns how many entered in all. */
    public long total() {
        return update(0)[2];
    }

    // ThreadPriorityCheck: the lock's holder may be another process; yielding lets it run on 2 cores.
    // Finally: a lock that cannot be released breaks every later count of every process, so that
    // failure outranks whatever the body returned or threw.
    @SuppressWarnings({"ThreadPriorityCheck", "Finally"})
    private long[] update(int delta) {
        File lock = new File(path + ".lock");
        boolean interrupted = false;
        while (!lock.mkdir()) {
            Thread.onSpinWait();
            if (Thread.interrupted()) { // keep counting right; hand the interrupt back afterwards
                interrupted = true;
            }
            Thread.yield();
        }
        try (RandomAccessFile f = new RandomAccessFile(path, "rw")) {
            long[] v = new long[3];
            if (f.length() >= 24) {
                for (int i = 0; i < 3; i++) {
                    v[i] = f.readLong();
                }
            }
            if (delta != 0) {
                v[0] += delta;
                v[1] = Math.max(v[1], v[0]);
                if (delta > 0) {
                    v[2] += delta;
                }
                f.seek(0);
                for (long x : v) {
                    f.writeLong(x);
                }
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!lock.delete()) {
                throw new IllegalStateException("lost the lock of " + path);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

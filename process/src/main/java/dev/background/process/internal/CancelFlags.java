package dev.background.process.internal;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Cancellations of tasks sent ahead, shared by the application and one worker through a
 * memory-mapped file (a private temporary file, mode 0600, deleted as soon as both have mapped
 * it): the application sets a task's bit before {@code cancel} returns; the worker reads it just
 * before it begins the task. Frames alone cannot promise that a task cancelled while waiting in a
 * worker never runs (the worker might begin it before its reader thread has read the INTERRUPT);
 * shared memory can, with no round trip.
 *
 * <p>One bit per task id modulo {@value #BITS}; a worker never holds more than a few tasks at once,
 * and the application clears a bit when the task's answer arrives, so ids never alias. Accessed
 * with volatile atomics on the mapping.
 */
final class CancelFlags {
    static final int BITS = 1 << 16;
    private static final int BYTES = BITS / 8;
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final MappedByteBuffer map;
    final Path file;

    private CancelFlags(Path file, MappedByteBuffer map) {
        this.file = file;
        this.map = map;
    }

    /** The application's side: a new file, mapped for writing. */
    static CancelFlags create() throws IOException {
        Path f = Files.createTempFile("background-worker-", ".flags");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return new CancelFlags(f, ch.map(FileChannel.MapMode.READ_WRITE, 0, BYTES));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(f);
            throw e;
        }
    }

    /** The worker's side: maps the application's file for reading, then deletes it. */
    static CancelFlags open(Path f) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            return new CancelFlags(f, ch.map(FileChannel.MapMode.READ_ONLY, 0, BYTES));
        } finally {
            Files.deleteIfExists(f);
        }
    }

    private static int index(long id) {
        return (int) ((id & (BITS - 1)) >>> 6) * Long.BYTES;
    }

    private static long mask(long id) {
        return 1L << (id & 63);
    }

    void set(long id) {
        LONGS.getAndBitwiseOr(map, index(id), mask(id));
    }

    void clear(long id) {
        if (((long) LONGS.getVolatile(map, index(id)) & mask(id)) != 0) {
            LONGS.getAndBitwiseAnd(map, index(id), ~mask(id));
        }
    }

    boolean isSet(long id) {
        return ((long) LONGS.getVolatile(map, index(id)) & mask(id)) != 0;
    }

    void deleteFile() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a temporary file of 8 KB; the OS cleans its temporary directory
        }
    }
}

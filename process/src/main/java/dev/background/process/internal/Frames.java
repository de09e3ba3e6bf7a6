package dev.background.process.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The wire format between the application and a worker, in both directions: a frame is a marker
 * byte, a type byte, a task id (8 bytes), a payload length (4 bytes) and the payload. The marker
 * makes stray bytes (a JVM message printed to standard output, a hostile writer) fail the first
 * frame they touch, instead of being read as a length.
 */
final class Frames {
    static final byte MARK = (byte) 0xB6;

    // application -> worker
    /** A task the application counts as started: the worker runs it as soon as it is free. */
    static final byte TASK = 1;

    static final byte INTERRUPT = 2;
    /** A task sent ahead to a busy worker: it reports STARTED when it begins it. */
    static final byte TASK_AHEAD = 3;
    /** Take back a task sent ahead, if not begun: answered by RECALLED (else its outcome comes as usual). */
    static final byte RECALL = 4;
    /** A function that later tasks call by its id (the frame's id); its payload is the function, serialised. */
    static final byte FUNCTION = 5;
    /** The worker may forget function {@code id}: no later task calls it. */
    static final byte FORGET = 6;

    // worker -> application
    static final byte READY = 10;
    static final byte RESULT = 11;
    static final byte ERROR = 12;
    static final byte CANCELLED = 13;
    static final byte OUT = 14;
    static final byte STARTED = 15;
    static final byte RECALLED = 16;

    /** Frames never exceed this (the length is an int); also the deserialisation size limit. */
    static final int MAX_PAYLOAD = Integer.MAX_VALUE - 64;

    private Frames() {}

    /** One received frame. */
    @SuppressWarnings("ArrayRecordComponent") // a frame is read once, never compared or hashed
    record Frame(byte type, long id, byte[] payload) {}

    /** Thrown for bytes that are not a well-formed frame; the peer is then stopped. */
    static final class MalformedFrameException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedFrameException(String message) {
            super(message);
        }
    }

    /** Writes one frame, without flushing. The caller holds the stream's lock. */
    static void write(DataOutputStream out, byte type, long id, byte @Nullable [] payload, int length)
            throws IOException {
        out.writeByte(MARK);
        out.writeByte(type);
        out.writeLong(id);
        out.writeInt(length);
        if (length > 0) {
            out.write(payload, 0, length);
        }
    }

    static void write(DataOutputStream out, byte type, long id) throws IOException {
        write(out, type, id, null, 0);
    }

    /**
     * Reads one frame.
     *
     * @param validTypes the types this side accepts
     * @return the frame, or null at a clean end of stream (between frames)
     * @throws MalformedFrameException for anything but a well-formed frame of a valid type
     */
    static @Nullable Frame read(DataInputStream in, byte... validTypes) throws IOException {
        int mark = in.read();
        if (mark < 0) {
            return null;
        }
        if ((byte) mark != MARK) {
            throw new MalformedFrameException("expected a frame marker 0xb6 but read " + describe(mark, in));
        }
        try {
            byte type = in.readByte();
            boolean valid = false;
            for (byte t : validTypes) {
                valid |= t == type;
            }
            if (!valid) {
                throw new MalformedFrameException("unknown frame type " + type);
            }
            long id = in.readLong();
            int length = in.readInt();
            if (length < 0 || length > MAX_PAYLOAD) {
                throw new MalformedFrameException("invalid frame length " + length);
            }
            // readNBytes grows its buffer as data arrives, so a lying length allocates nothing up front.
            byte[] payload = in.readNBytes(length);
            if (payload.length != length) {
                throw new MalformedFrameException("truncated frame: " + payload.length + " of " + length + " bytes");
            }
            return new Frame(type, id, payload);
        } catch (EOFException e) {
            throw new MalformedFrameException("truncated frame header");
        }
    }

    /** Shows stray bytes as text, since they are usually something printed to standard output. */
    private static String describe(int first, DataInputStream in) throws IOException {
        byte[] more = new byte[Math.min(in.available(), 79)];
        int n = in.read(more);
        StringBuilder s = new StringBuilder().append('\'');
        s.append(printable(first));
        for (int i = 0; i < n; i++) {
            s.append(printable(more[i] & 0xff));
        }
        return s.append('\'').toString();
    }

    private static String printable(int b) {
        return b >= 32 && b < 127 ? String.valueOf((char) b) : String.format("\\x%02x", b);
    }
}

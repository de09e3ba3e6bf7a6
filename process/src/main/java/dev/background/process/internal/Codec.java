package dev.background.process.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Payloads: common small values (null, strings, boxed numbers, booleans) in a few bytes without
 * Java serialisation; everything else as a Java serialisation stream, read through the filter.
 */
final class Codec {
    private static final byte NULL = 0, JAVA = 1, STRING = 2, INT = 3, LONG = 4, TRUE = 5, FALSE = 6, DOUBLE = 7;

    private Codec() {}

    /** A byte array stream whose buffer is used without a copy. */
    static final class Buffer extends ByteArrayOutputStream {
        Buffer(int size) {
            super(size);
        }

        byte[] array() {
            return buf;
        }

        int length() {
            return count;
        }
    }

    /** Encodes a value; throws what Java serialisation throws for values it cannot write. */
    static Buffer encode(@Nullable Object value) throws IOException {
        Buffer b;
        if (value == null) {
            b = new Buffer(1);
            b.write(NULL);
        } else if (value instanceof String s && s.length() < 4096) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            b = new Buffer(utf8.length + 1);
            b.write(STRING);
            b.write(utf8);
        } else if (value instanceof Integer i) {
            b = new Buffer(5);
            b.write(INT);
            b.write(ByteBuffer.allocate(4).putInt(i).array());
        } else if (value instanceof Long l) {
            b = new Buffer(9);
            b.write(LONG);
            b.write(ByteBuffer.allocate(8).putLong(l).array());
        } else if (value instanceof Double d) {
            b = new Buffer(9);
            b.write(DOUBLE);
            b.write(ByteBuffer.allocate(8).putDouble(d).array());
        } else if (value instanceof Boolean z) {
            b = new Buffer(1);
            b.write(z ? TRUE : FALSE);
        } else {
            b = new Buffer(256);
            b.write(JAVA);
            try (ObjectOutputStream out = new ObjectOutputStream(b)) {
                out.writeObject(value);
            }
        }
        return b;
    }

    /** Encodes a task: its name (for the worker's thread name), then the call. */
    static Buffer encodeTask(String name, Object call) throws IOException {
        Buffer b = new Buffer(512);
        DataOutputStream d = new DataOutputStream(b);
        d.writeUTF(name.length() > 200 ? name.substring(0, 200) : name);
        b.write(JAVA);
        try (ObjectOutputStream out = new ObjectOutputStream(b)) {
            out.writeObject(call);
        }
        return b;
    }

    /** A decoded task. */
    record DecodedTask(String name, @Nullable Object call) {}

    static DecodedTask decodeTask(byte[] p, ObjectInputFilter filter) throws IOException, ClassNotFoundException {
        DataInputStream d = new DataInputStream(new ByteArrayInputStream(p));
        String name = d.readUTF();
        return new DecodedTask(name, decode(p, p.length - d.available(), filter));
    }

    /** Decodes a payload; Java-serialised values go through {@code filter}. */
    static @Nullable Object decode(byte[] p, ObjectInputFilter filter) throws IOException, ClassNotFoundException {
        return decode(p, 0, filter);
    }

    private static @Nullable Object decode(byte[] p, int off, ObjectInputFilter filter)
            throws IOException, ClassNotFoundException {
        if (p.length <= off) {
            throw new Frames.MalformedFrameException("empty payload");
        }
        int len = p.length - off - 1;
        ByteBuffer bb = ByteBuffer.wrap(p, off + 1, len);
        switch (p[off]) {
            case NULL:
                return null;
            case STRING:
                return new String(p, off + 1, len, StandardCharsets.UTF_8);
            case INT:
                return bb.getInt();
            case LONG:
                return bb.getLong();
            case DOUBLE:
                return bb.getDouble();
            case TRUE:
                return true;
            case FALSE:
                return false;
            case JAVA:
                try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(p, off + 1, len))) {
                    in.setObjectInputFilter(filter);
                    return in.readObject();
                }
            default:
                throw new Frames.MalformedFrameException("unknown payload tag " + p[off]);
        }
    }
}

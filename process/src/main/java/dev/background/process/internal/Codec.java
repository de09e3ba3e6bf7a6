package dev.background.process.internal;

import dev.background.context.CarriedContext;
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
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Payloads: common small values (null, strings, boxed numbers, booleans) in a few bytes without
 * Java serialisation; everything else as a Java serialisation stream, read through the filter.
 *
 * <p>A task's payload: its name (for the worker's thread name), its carried context (an entry
 * count, -1 for none, then per propagator its key and its string map), then either the whole call as a value, or {@code BOUND}: the
 * id of a function the worker already holds (sent once in a FUNCTION frame), and the arguments,
 * each as a length and a value.
 */
final class Codec {
    private static final byte NULL = 0, JAVA = 1, STRING = 2, INT = 3, LONG = 4, TRUE = 5, FALSE = 6, DOUBLE = 7;
    /** A call of a function sent before: its id and its arguments follow. */
    private static final byte BOUND = 8;

    /** A function of arity 0-3 takes at most this many arguments. */
    private static final int MAX_ARGUMENTS = 3;

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

    /**
     * Writes a task's header: its name (for the worker's thread name), then its carried context
     * as strings (never Java serialisation: the worker's filter need not know the propagators'
     * classes).
     */
    private static DataOutputStream taskHeader(Buffer b, String name, @Nullable CarriedContext context)
            throws IOException {
        DataOutputStream d = new DataOutputStream(b);
        d.writeUTF(name.length() > 200 ? name.substring(0, 200) : name);
        writeContext(d, context);
        return d;
    }

    /** Encodes a task whose whole call travels each time (not a call of a wrapped function). */
    static Buffer encodeTask(String name, @Nullable CarriedContext context, Object call) throws IOException {
        Buffer b = new Buffer(512);
        taskHeader(b, name, context);
        b.write(JAVA);
        try (ObjectOutputStream out = new ObjectOutputStream(b)) {
            out.writeObject(call);
        }
        return b;
    }

    /** Encodes a call of a function the worker holds (or is sent first): its id and the arguments only. */
    static Buffer encodeBoundCall(
            String name, @Nullable CarriedContext context, long functionId, @Nullable Object[] arguments)
            throws IOException {
        Buffer b = new Buffer(64);
        DataOutputStream d = taskHeader(b, name, context);
        d.writeByte(BOUND);
        d.writeLong(functionId);
        d.writeByte(arguments.length);
        for (Object a : arguments) {
            Buffer v = encode(a);
            d.writeInt(v.length());
            d.write(v.array(), 0, v.length());
        }
        return b;
    }

    /** A decoded task: a whole call (any object, checked by the caller) or a function's parts. */
    @SuppressWarnings("ArrayRecordComponent") // read once, never compared or hashed
    record DecodedTask(
            String name,
            @Nullable CarriedContext context,
            @Nullable Object call,
            @Nullable Object @Nullable [] arguments) {}

    /** The functions a worker holds, by id. */
    interface Functions {
        @Nullable
        Object get(long id);
    }

    static DecodedTask decodeTask(byte[] p, ObjectInputFilter filter, Functions functions)
            throws IOException, ClassNotFoundException {
        ByteArrayInputStream in = new ByteArrayInputStream(p);
        DataInputStream d = new DataInputStream(in);
        String name = d.readUTF();
        CarriedContext context = readContext(d);
        int off = p.length - in.available();
        if (off >= p.length || p[off] != BOUND) {
            return new DecodedTask(name, context, decode(p, off, p.length, filter), null);
        }
        d.readByte();
        long id = d.readLong();
        Object function = functions.get(id);
        if (function == null) {
            throw new Frames.MalformedFrameException("a call of function " + id + ", which was not sent before");
        }
        int count = d.readUnsignedByte();
        if (count > MAX_ARGUMENTS) {
            throw new Frames.MalformedFrameException(count + " arguments");
        }
        @Nullable Object[] arguments = new Object[count];
        for (int i = 0; i < count; i++) {
            int len = d.readInt();
            if (len < 1 || len > in.available()) {
                throw new Frames.MalformedFrameException("invalid argument length " + len);
            }
            off = p.length - in.available();
            arguments[i] = decode(p, off, off + len, filter);
            d.skipNBytes(len);
        }
        return new DecodedTask(name, context, function, arguments);
    }

    /** -1 for none; else the number of propagators, and for each its key and its map. */
    private static void writeContext(DataOutputStream d, @Nullable CarriedContext context) throws IOException {
        if (context == null) {
            d.writeInt(-1);
            return;
        }
        d.writeInt(context.entries().size());
        for (Map.Entry<String, Map<String, String>> e : context.entries().entrySet()) {
            d.writeUTF(e.getKey());
            d.writeInt(e.getValue().size());
            for (Map.Entry<String, String> f : e.getValue().entrySet()) {
                d.writeUTF(f.getKey());
                d.writeUTF(f.getValue());
            }
        }
    }

    private static @Nullable CarriedContext readContext(DataInputStream d) throws IOException {
        int count = d.readInt();
        if (count < 0) {
            return null;
        }
        if (count > d.available()) { // a lying count allocates nothing
            throw new Frames.MalformedFrameException("bad context entry count " + count);
        }
        Map<String, Map<String, String>> entries = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String key = d.readUTF();
            int fields = d.readInt();
            if (fields < 0 || fields > d.available()) { // a lying count allocates nothing
                throw new Frames.MalformedFrameException("bad context field count " + fields);
            }
            Map<String, String> map = new LinkedHashMap<>();
            for (int j = 0; j < fields; j++) {
                map.put(d.readUTF(), d.readUTF());
            }
            entries.put(key, map);
        }
        return CarriedContext.of(entries);
    }

    /** Decodes a payload; Java-serialised values go through {@code filter}. */
    static @Nullable Object decode(byte[] p, ObjectInputFilter filter) throws IOException, ClassNotFoundException {
        return decode(p, 0, p.length, filter);
    }

    private static @Nullable Object decode(byte[] p, int off, int end, ObjectInputFilter filter)
            throws IOException, ClassNotFoundException {
        if (end <= off) {
            throw new Frames.MalformedFrameException("empty payload");
        }
        int len = end - off - 1;
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

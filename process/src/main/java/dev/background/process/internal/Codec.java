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

    /**
     * Encodes a task: its name (for the worker's thread name), its carried context as strings
     * (never Java serialisation: the worker's filter need not know the propagators' classes),
     * then the call.
     */
    static Buffer encodeTask(String name, @Nullable CarriedContext context, Object call) throws IOException {
        Buffer b = new Buffer(512);
        DataOutputStream d = new DataOutputStream(b);
        d.writeUTF(name.length() > 200 ? name.substring(0, 200) : name);
        writeContext(d, context);
        b.write(JAVA);
        try (ObjectOutputStream out = new ObjectOutputStream(b)) {
            out.writeObject(call);
        }
        return b;
    }

    /** A decoded task. */
    record DecodedTask(
            String name,
            @Nullable CarriedContext context,
            @Nullable Object call) {}

    static DecodedTask decodeTask(byte[] p, ObjectInputFilter filter) throws IOException, ClassNotFoundException {
        DataInputStream d = new DataInputStream(new ByteArrayInputStream(p));
        String name = d.readUTF();
        CarriedContext context = readContext(d);
        return new DecodedTask(name, context, decode(p, p.length - d.available(), filter));
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

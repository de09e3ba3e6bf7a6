package dev.background.process.internal;

import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A task as it travels to a worker: the payload of its TASK frame, and the function that frame
 * calls by id, if it is a call of a wrapped function (which each worker gets once, in a FUNCTION
 * frame written just before the first task that needs it).
 *
 * @param function the function sent once per worker, or null if the payload holds the whole call
 * @param body the TASK frame's payload
 */
record CallPayload(@Nullable Function function, Codec.Buffer body) {

    /**
     * A wrapped function, serialised once per pool.
     *
     * @param id its id in this pool
     * @param bytes its payload (a Codec value)
     */
    @SuppressWarnings("ArrayRecordComponent") // written as is, never compared or hashed
    record Function(long id, Codec.Buffer bytes) {}

    /**
     * A pool's functions, by the identity of the user's function object: each is serialised once.
     * Bounded (least recently used first out): a function pushed out and used again is simply
     * serialised again under a new id. Thread-safe.
     */
    static final class Functions {
        private static final int MAX = 256;

        private final IdentityHashMap<Object, Function> byObject = new IdentityHashMap<>();
        /** The same entries in order of last use, to find the one to push out. */
        private final LinkedHashMap<Long, Object> lastUsed = new LinkedHashMap<>(16, 0.75f, true);

        private long nextId;

        /** The function's entry, serialising it (outside the lock) if it has none. */
        Function of(Object function) throws java.io.IOException {
            synchronized (this) {
                Function f = byObject.get(function);
                if (f != null) {
                    lastUsed.get(f.id());
                    return f;
                }
            }
            Codec.Buffer bytes = Codec.encode(function);
            synchronized (this) {
                Function f = byObject.get(function);
                if (f != null) {
                    return f; // another caller won the race
                }
                f = new Function(++nextId, bytes);
                byObject.put(function, f);
                lastUsed.put(f.id(), function);
                if (lastUsed.size() > MAX) {
                    Iterator<Map.Entry<Long, Object>> eldest =
                            lastUsed.entrySet().iterator();
                    byObject.remove(eldest.next().getValue());
                    eldest.remove();
                }
                return f;
            }
        }
    }

    /**
     * What one worker holds: the ids of the functions sent to it, least recently used first.
     * Guarded by the worker's input stream lock, so that a function's FUNCTION frame is always
     * written before the first TASK that calls it, whatever order threads send in.
     */
    static final class Sent {
        /** The most functions a worker holds; beyond, the least recently used is forgotten. */
        static final int MAX = 64;

        private final LinkedHashMap<Long, Boolean> ids = new LinkedHashMap<>(16, 0.75f, true);

        /** Records that {@code f} is used now; true if the worker does not hold it yet. */
        boolean add(Function f) {
            return ids.put(f.id(), Boolean.TRUE) == null;
        }

        /** The id of a function to forget, if the worker holds too many; else -1. */
        long evict() {
            if (ids.size() <= MAX) {
                return -1;
            }
            Iterator<Long> eldest = ids.keySet().iterator();
            long id = Objects.requireNonNull(eldest.next());
            eldest.remove();
            return id;
        }
    }
}

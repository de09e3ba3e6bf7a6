package dev.background.process.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import org.jspecify.annotations.Nullable;

/**
 * The class data sharing archive (a dynamic AppCDS archive) of the worker JVMs of one JDK, class
 * path and set of JVM options, kept in a cache directory shared by every application on the
 * machine. A worker that maps it loads the classes it holds already parsed and verified instead of
 * from the jars, which roughly halves what a worker spends in class loading before its first
 * answer.
 *
 * <p>At first use no archive exists: one worker, the <em>recorder</em>, is started with
 * {@code -XX:ArchiveClassesAtExit}, and the JVM writes the classes it loaded (the library's and its
 * tasks') into a file of its own when it exits. Once it has exited normally that file is checked
 * by the {@linkplain Probe probe} (a JVM that must map it) and renamed into place; the workers
 * started after that share it. Workers started meanwhile run without an archive, as before.
 *
 * <p>Maintainers' overview. Files in the directory, for key {@code K} (a hash of the JDK, the
 * class path entries with their sizes and times, and the JVM options, so that a rebuilt jar or
 * another JDK never meets an archive made for something else):
 * <ul>
 * <li>{@code K.jsa}, the archive: it only ever appears whole, by an atomic rename, and is only
 * read, so any number of JVMs may map it at once.
 * <li>{@code K.lock}, "a recorder is at work": created with {@code CREATE_NEW}, so that of many
 * JVMs (threads or applications) starting workers at once exactly one records. It holds the pid of
 * the application that owns it, then of the recorder worker, and the name of the recorder's file.
 * <li>{@code K.<pid>.<n>.tmp}, a recorder's output while the JVM writes it.
 * <li>{@code K.refused}, "the JDK made no usable archive" (no file from a recorder that exited
 * normally, or one the probe refused): never tried again for this key.
 * </ul>
 * Races. A lock whose application is gone (its process ended, or it is older than
 * {@link #STALE_AFTER}) is stale: the next planner finishes its recorder's work (publishes the file
 * if the recorder has exited and the probe accepts it) and takes the lock over by deleting and
 * re-creating it. Two planners may both take over the same stale lock; then two recorders run and
 * the last rename wins, which is harmless since both files are whole and valid. The JVM refusing
 * an archive at use (truncated, class path changed under it) is not an error: the worker starts
 * without sharing, and its {@code cds} log lines are switched off, so nothing reaches the user.
 * Every failure of the cache itself (unwritable directory, full disk) means "no archive": a
 * worker's start never fails because of it.
 */
final class ClassDataArchive {
    private static final System.Logger LOG = System.getLogger(ClassDataArchive.class.getName());

    /** A lock this old is stale even if its application still runs (its recorder is long done or lost). */
    static final Duration STALE_AFTER = Duration.ofMinutes(10);

    private static final AtomicLong SEQ = new AtomicLong();

    /** The owner of a lock whose content cannot be read (being written, or damaged). */
    private static final long UNKNOWN = -1;

    /** Whether the JDK accepts an archive: it maps it when told it must ({@code -Xshare:on}). */
    @FunctionalInterface
    interface Probe {
        /**
         * Whether a worker JVM would map the archive.
         *
         * @param archive a complete archive file
         * @return true if it would
         */
        boolean accepts(Path archive);
    }

    /** What a worker about to start does with the archive: share it, record it, or neither. */
    sealed interface Plan {
        /** The JVM options that carry the plan out. */
        List<String> options();
    }

    /** Map the archive. */
    record Share(Path archive) implements Plan {
        @Override
        public List<String> options() {
            return List.of("-XX:SharedArchiveFile=" + archive);
        }
    }

    /** Write the classes loaded to {@code file} at exit; {@link #recorded} publishes it. */
    record Recording(Path file) implements Plan {
        @Override
        public List<String> options() {
            return List.of("-XX:ArchiveClassesAtExit=" + file);
        }
    }

    /** No archive: none yet and another worker records it, or the JDK refused it, or the cache failed. */
    record None() implements Plan {
        @Override
        public List<String> options() {
            return List.of();
        }
    }

    private static final None NONE = new None();

    private final Path dir;
    private final String key;
    private final Probe probe;
    private final long selfPid;
    private final LongPredicate alive;

    /**
     * @param dir the cache directory (created when needed)
     * @param key what the archive is for, from {@link #key}
     * @param probe checks a recorded archive before it is published
     * @param selfPid the pid written into locks as their owner
     * @param alive whether a process (a lock's owner, a recorder) still runs
     */
    ClassDataArchive(Path dir, String key, Probe probe, long selfPid, LongPredicate alive) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.key = Objects.requireNonNull(key, "key");
        this.probe = Objects.requireNonNull(probe, "probe");
        this.selfPid = selfPid;
        this.alive = Objects.requireNonNull(alive, "alive");
    }

    /** The archive of this key, for this JVM: locks are owned by its pid. */
    static ClassDataArchive of(Path dir, String key, Probe probe) {
        return new ClassDataArchive(
                dir,
                key,
                probe,
                ProcessHandle.current().pid(),
                pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    /**
     * Whether workers with this class path may use an archive at all: the JDK archives classes
     * from jar files only (a non-empty directory on the class path makes it refuse to record), and
     * not from a module path.
     *
     * @param classPath the worker's class path entries
     * @param modulePath the worker's module path, or null
     * @return true if every entry is an existing {@code .jar} file and there is no module path
     */
    static boolean eligible(List<String> classPath, @Nullable String modulePath) {
        if (classPath.isEmpty() || (modulePath != null && !modulePath.isEmpty())) {
            return false;
        }
        for (String e : classPath) {
            if (!e.endsWith(".jar") || !Files.isRegularFile(Path.of(e))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The key of an archive: a hash of the JDK, of each class path entry with its size and
     * modification time, and of the JVM options (some of which, such as the heap size, decide
     * whether the JDK can map an archive at all).
     *
     * @param jdk identifies the JDK: its home and exact version
     * @param classPath the worker's class path entries, in order
     * @param options the worker's JVM options, except the archive's own
     * @return 32 hex digits
     * @throws IOException if a class path entry cannot be read
     */
    static String key(String jdk, List<String> classPath, List<String> options) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        StringBuilder s = new StringBuilder(jdk).append('\n');
        for (String e : classPath) {
            Path p = Path.of(e).toAbsolutePath();
            s.append("cp ")
                    .append(p)
                    .append(' ')
                    .append(Files.size(p))
                    .append(' ')
                    .append(Files.getLastModifiedTime(p).toMillis())
                    .append('\n');
        }
        options.forEach(o -> s.append("opt ").append(o).append('\n'));
        byte[] hash = sha.digest(s.toString().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(hash, 0, 16);
    }

    /** {@return the archive's final path} */
    Path archive() {
        return dir.resolve(key + ".jsa");
    }

    private Path lock() {
        return dir.resolve(key + ".lock");
    }

    private Path refused() {
        return dir.resolve(key + ".refused");
    }

    /**
     * Decides what the next worker does: share the archive if there is one; else record it, if no
     * other worker (of any application) is recording it; else nothing. Never throws: a cache that
     * fails gives {@link None}.
     *
     * @return the plan; a {@link Recording} plan must be followed by {@link #recorded}
     */
    Plan plan() {
        try {
            if (Files.isRegularFile(archive())) {
                return new Share(archive());
            }
            if (Files.exists(refused())) {
                return NONE;
            }
            Files.createDirectories(dir);
            Lock held = readLock();
            if (held != null) {
                if (!isStale(held)) {
                    return NONE;
                }
                finishStale(held);
                if (Files.isRegularFile(archive())) {
                    return new Share(archive());
                }
                if (Files.exists(refused())) {
                    return NONE;
                }
            }
            Path file = dir.resolve(key + "." + selfPid + "." + SEQ.incrementAndGet() + ".tmp");
            try {
                Files.writeString(
                        lock(),
                        selfPid + " 0 " + file.getFileName(),
                        StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                return NONE; // another planner got there first
            }
            return new Recording(file);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "class data archive cache " + dir + " unusable, workers start without it", e);
            return NONE;
        }
    }

    /**
     * Notes the pid of the worker that records, so that a planner in another JVM knows when its
     * file is complete even if this application is gone by then.
     *
     * @param plan a plan from {@link #plan}
     * @param recorderPid the pid of the worker started with it
     */
    void started(Recording plan, long recorderPid) {
        try {
            Lock held = readLock();
            if (held != null
                    && held.owner() == selfPid
                    && held.file().equals(plan.file().getFileName().toString())) {
                Path next = dir.resolve(key + ".lock." + selfPid + "." + SEQ.incrementAndGet());
                Files.writeString(next, selfPid + " " + recorderPid + " " + held.file());
                move(next, lock());
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "could not note the recorder's pid in " + lock(), e);
        }
    }

    /**
     * After the recorder worker has exited: publishes its archive if it exited normally and the
     * probe accepts the file; marks the key refused if it exited normally without a usable file
     * (the JDK will not make one); releases the lock either way. A worker that was killed or
     * crashed leaves no verdict: the next worker records again.
     *
     * @param plan the recorder's plan
     * @param exitCode the recorder's exit code
     */
    void recorded(Recording plan, int exitCode) {
        try {
            if (exitCode == 0) {
                publishOrRefuse(plan.file());
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "could not publish the class data archive " + plan.file(), e);
        } finally {
            deleteQuietly(plan.file());
            Lock held = readLockQuietly();
            if (held != null
                    && held.owner() == selfPid
                    && held.file().equals(plan.file().getFileName().toString())) {
                deleteQuietly(lock());
            }
        }
    }

    private void publishOrRefuse(Path file) throws IOException {
        if (Files.isRegularFile(file) && Files.size(file) > 0 && probe.accepts(file)) {
            move(file, archive());
        } else {
            Files.writeString(refused(), "the JDK made no archive it would map for this class path and options\n");
        }
    }

    /** The stale lock's recorder may have finished its file after its application ended: publish it then. */
    private void finishStale(Lock held) throws IOException {
        if (held.file().startsWith(key + ".")
                && held.file().endsWith(".tmp")
                && !held.file().contains("/")) {
            Path file = dir.resolve(held.file());
            if (held.recorder() != 0 && !alive.test(held.recorder()) && Files.isRegularFile(file)) {
                publishOrRefuse(file);
            }
            deleteQuietly(file);
        }
        cleanUpAfter(held.owner());
        deleteQuietly(lock());
    }

    /** Deletes the files of this key left by an application that ended while recording. */
    private void cleanUpAfter(long owner) throws IOException {
        try (DirectoryStream<Path> left = Files.newDirectoryStream(dir, key + "." + owner + ".*.tmp")) {
            left.forEach(ClassDataArchive::deleteQuietly);
        }
    }

    private boolean isStale(Lock held) throws IOException {
        if (held.owner() == selfPid) {
            return false; // this JVM's own recorder is at work
        }
        FileTime time;
        try {
            time = Files.getLastModifiedTime(lock());
        } catch (NoSuchFileException e) {
            return false; // released meanwhile: the next plan sees the archive or records
        }
        boolean old = System.currentTimeMillis() - time.toMillis() > STALE_AFTER.toMillis();
        return old || (held.owner() != UNKNOWN && !alive.test(held.owner()));
    }

    /** The lock's content: its owner's pid, the recorder's pid (0 until started), the recorder's file name. */
    private record Lock(long owner, long recorder, String file) {}

    private @Nullable Lock readLock() throws IOException {
        String s;
        try {
            s = Files.readString(lock());
        } catch (NoSuchFileException e) {
            return null;
        }
        List<String> parts = Arrays.asList(s.strip().split(" ", -1));
        try {
            if (parts.size() == 3) {
                return new Lock(Long.parseLong(parts.get(0)), Long.parseLong(parts.get(1)), parts.get(2));
            }
        } catch (NumberFormatException e) {
            // damaged: as below
        }
        // Being written by its creator, or damaged: held by an owner we cannot check, stale only by its age.
        return new Lock(UNKNOWN, 0, "-");
    }

    private @Nullable Lock readLockQuietly() {
        try {
            return readLock();
        } catch (IOException e) {
            return null;
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // left for the next clean-up; never a reason to fail a worker's start
        }
    }

    @Override
    public String toString() {
        return "ClassDataArchive[" + archive() + "]";
    }
}

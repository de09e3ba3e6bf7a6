package dev.background.process.internal;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The command line of a worker JVM, and its start: the JDK of this JVM; JVM options that keep the
 * channel (standard output) clean; the options of this JVM that decide what code may do without
 * a warning ({@link #inherited}); the user's options and properties; the class data sharing
 * archive ({@link ClassDataArchive}); the class path (this JVM's, or the kind's own); and
 * {@link WorkerMain} with its arguments.
 *
 * <p>Stateless; {@link #start} may be called from any thread. It runs under the engine's lock, so
 * what it does is bounded: a few file operations on the archive cache, and only when a previous
 * application's recorder left an archive to check, one short JVM run (the probe).
 */
final class WorkerCommand {
    private WorkerCommand() {}

    /** Options of this JVM that workers get too: without them a task would warn, or fail, only in a worker. */
    private static final List<String> INHERITED_PREFIXES = List.of(
            "--add-opens=",
            "--add-exports=",
            "--add-reads=",
            "--enable-native-access=",
            "--illegal-native-access=",
            "--sun-misc-unsafe-memory-access=",
            "--enable-preview");

    /** Publishes recorded archives off the process reaper's thread: it may run the probe, a JVM. */
    private static final Executor PUBLISHER = r ->
            Thread.ofPlatform().daemon().name("background-class-data-archive").start(r);

    /** The options of this JVM, read once: {@code java.management} costs a little to load. */
    private static final class Parent {
        static final List<String> OPTIONS =
                inherited(ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    /**
     * Starts a worker: with the class data archive when the kind has a cache directory and the
     * class path allows one.
     *
     * @param c the kind's settings
     * @param id the worker's id
     * @param flagsFile the file of its cancel flags, or {@code "-"}
     * @return the started process
     * @throws IOException if the process cannot be started
     */
    @SuppressWarnings("FutureReturnValueIgnored") // recorded() handles every failure itself: nothing to observe
    static Process start(WorkerConfig c, String id, String flagsFile) throws IOException {
        List<String> jvm = jvmOptions(c);
        List<String> cp = classPath(c);
        ClassDataArchive archive = archiveFor(c, jvm, cp);
        ClassDataArchive.Plan plan = archive == null ? new ClassDataArchive.None() : archive.plan();
        List<String> cmd = command(c, jvm, plan.options(), cp, id, flagsFile);
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
        } catch (IOException | RuntimeException e) {
            if (archive != null && plan instanceof ClassDataArchive.Recording r) {
                archive.recorded(r, -1);
            }
            throw e;
        }
        if (archive != null && plan instanceof ClassDataArchive.Recording r) {
            archive.started(r, p.pid());
            p.onExit().thenAcceptAsync(q -> archive.recorded(r, q.exitValue()), PUBLISHER);
        }
        return p;
    }

    /**
     * The command line without a class data archive.
     *
     * @param c the kind's settings
     * @param id the worker's id
     * @param flagsFile the file of its cancel flags, or {@code "-"}
     * @return the command
     */
    static List<String> of(WorkerConfig c, String id, String flagsFile) {
        return command(c, jvmOptions(c), List.of(), classPath(c), id, flagsFile);
    }

    private static List<String> command(
            WorkerConfig c, List<String> jvm, List<String> archive, List<String> cp, String id, String flagsFile) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(jvm);
        c.systemProperties().forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(archive);
        if (!cp.isEmpty()) {
            cmd.add("-cp");
            cmd.add(String.join(File.pathSeparator, cp));
        }
        String mp = modulePath();
        if (mp != null) {
            cmd.add("--module-path");
            cmd.add(mp);
            cmd.add("--add-modules");
            cmd.add("ALL-MODULE-PATH");
        }
        if (WorkerMain.class.getModule().isNamed()) {
            cmd.add("-m");
            cmd.add(WorkerMain.class.getModule().getName() + "/" + WorkerMain.class.getName());
        } else {
            cmd.add(WorkerMain.class.getName());
        }
        cmd.add(Long.toString(ProcessHandle.current().pid()));
        cmd.add(id);
        cmd.add(flagsFile);
        if (c.serialFilter() != null) {
            cmd.add(c.serialFilter());
        }
        return cmd;
    }

    /** The JVM options, in order: ours, this JVM's inherited ones, the user's (which may override ours). */
    private static List<String> jvmOptions(WorkerConfig c) {
        List<String> jvm = new ArrayList<>();
        // The channel is standard output: keep everything the JVM itself prints on standard error.
        jvm.add("-Xlog:disable");
        jvm.add("-Xlog:all=warning:stderr");
        // An archive the JVM cannot map (or classes it cannot archive) is not the user's concern: it starts without.
        jvm.add("-Xlog:cds*=off:stderr");
        jvm.add("-XX:+DisplayVMOutputToStderr");
        jvm.add("-XX:+ExitOnOutOfMemoryError");
        jvm.addAll(Parent.OPTIONS);
        jvm.addAll(c.jvmOptions());
        return jvm;
    }

    /**
     * The options of a JVM's own command line that its workers get too: those that decide which
     * internals code may reach and which uses of {@code sun.misc.Unsafe} or native code it may make
     * without a warning. A task runs in a worker as it would in the application.
     *
     * @param parentOptions the application JVM's options, as {@code RuntimeMXBean} gives them
     *     ({@code --name=value})
     * @return the ones to pass on, in order
     */
    static List<String> inherited(List<String> parentOptions) {
        List<String> out = new ArrayList<>();
        for (String o : parentOptions) {
            for (String prefix : INHERITED_PREFIXES) {
                if (o.startsWith(prefix)) {
                    out.add(o);
                    break;
                }
            }
        }
        return List.copyOf(out);
    }

    private static List<String> classPath(WorkerConfig c) {
        if (c.classPath() != null) {
            return c.classPath();
        }
        String cp = System.getProperty("java.class.path", "");
        return cp.isEmpty()
                ? List.of()
                : Arrays.stream(cp.split(File.pathSeparator))
                        .filter(e -> !e.isEmpty())
                        .toList();
    }

    private static @Nullable String modulePath() {
        String mp = System.getProperty("jdk.module.path");
        return mp == null || mp.isEmpty() ? null : mp;
    }

    private static String java() {
        boolean windows = System.getProperty("os.name", "").startsWith("Windows");
        return Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java")
                .toString();
    }

    /** The archive for these workers, or null if they get none (no cache, or a class path the JDK cannot archive). */
    private static @Nullable ClassDataArchive archiveFor(WorkerConfig c, List<String> jvm, List<String> cp) {
        Path dir = c.classDataCache();
        if (dir == null || !ClassDataArchive.eligible(cp, modulePath()) || choosesOwnSharing(jvm)) {
            return null;
        }
        try {
            String jdk = System.getProperty("java.home") + " " + System.getProperty("java.vm.version");
            return ClassDataArchive.of(
                    dir, ClassDataArchive.key(jdk, cp, jvm), archive -> mapsArchive(jvm, cp, archive));
        } catch (IOException | RuntimeException e) {
            return null; // a class path entry vanished: the worker starts without, and says why if it must
        }
    }

    /** Whether the user's options already decide class data sharing: then they are left alone. */
    private static boolean choosesOwnSharing(List<String> jvm) {
        return jvm.stream()
                .anyMatch(o -> o.startsWith("-Xshare")
                        || o.contains("SharedArchiveFile")
                        || o.contains("ArchiveClassesAtExit")
                        || o.contains("AutoCreateSharedArchive")
                        || o.contains("AOTCache")
                        || o.contains("AOTMode"));
    }

    /** The probe: a JVM with the workers' options that must map the archive ({@code -Xshare:on}) or fail. */
    private static boolean mapsArchive(List<String> jvm, List<String> cp, Path archive) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(jvm);
        cmd.add("-Xshare:on");
        cmd.add("-XX:SharedArchiveFile=" + archive);
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, cp));
        cmd.add("-version");
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

package dev.background.process.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.process.internal.ClassDataArchive.None;
import dev.background.process.internal.ClassDataArchive.Plan;
import dev.background.process.internal.ClassDataArchive.Recording;
import dev.background.process.internal.ClassDataArchive.Share;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class data archive cache without a JVM: its key, who records, publishing, refusal, stale
 * locks. Processes are simulated by pids and a set of the live ones; the JDK's verdict by the probe.
 */
class ClassDataArchiveTest {
    private static final String KEY = "0123456789abcdef0123456789abcdef";
    private static final long APP = 1000, OTHER_APP = 2000, RECORDER = 3000;

    @TempDir
    Path dir;

    private final Set<Long> live = new java.util.concurrent.ConcurrentSkipListSet<>(Set.of(APP, OTHER_APP, RECORDER));
    private final AtomicInteger probes = new AtomicInteger();
    private volatile boolean probeAccepts = true;

    private ClassDataArchive archive(long selfPid) {
        return new ClassDataArchive(
                dir,
                KEY,
                file -> {
                    probes.incrementAndGet();
                    return probeAccepts;
                },
                selfPid,
                live::contains);
    }

    /** What the JDK does for a recorder that exits normally: writes its file. */
    private static void jvmWrites(Recording r) throws Exception {
        Files.write(r.file(), new byte[] {1, 2, 3});
    }

    @Test
    void theFirstWorkerRecordsAndLaterOnesShareOnceItHasExited() throws Exception {
        ClassDataArchive a = archive(APP);
        Plan first = a.plan();
        assertThat(first).isInstanceOf(Recording.class);
        assertThat(first.options()).singleElement().asString().startsWith("-XX:ArchiveClassesAtExit=" + dir);
        a.started((Recording) first, RECORDER);
        assertThat(a.plan()).as("while it records").isInstanceOf(None.class);
        assertThat(archive(OTHER_APP).plan())
                .as("another application meanwhile")
                .isInstanceOf(None.class);

        jvmWrites((Recording) first);
        a.recorded((Recording) first, 0);

        assertThat(probes).hasValue(1);
        assertThat(a.plan()).isEqualTo(new Share(dir.resolve(KEY + ".jsa")));
        assertThat(archive(OTHER_APP).plan().options()).containsExactly("-XX:SharedArchiveFile=" + a.archive());
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(KEY + ".jsa");
        }
    }

    @Test
    void manyThreadsPlanningAtOnceMakeExactlyOneRecorder() throws Exception {
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 20; round++) {
                Path roundDir = dir.resolve("round-" + round);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Plan>> plans = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    long pid = t % 2 == 0 ? APP : OTHER_APP; // two applications, eight threads each
                    plans.add(pool.submit(() -> {
                        go.await();
                        return new ClassDataArchive(roundDir, KEY, f -> true, pid, live::contains).plan();
                    }));
                }
                go.countDown();
                int recorders = 0;
                for (Future<Plan> p : plans) {
                    Plan plan = p.get();
                    assertThat(plan).isNotInstanceOf(Share.class);
                    recorders += plan instanceof Recording ? 1 : 0;
                }
                assertThat(recorders).as("round %d", round).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRecorderThatEndsNormallyWithoutAnArchiveMeansTheJdkWillNotMakeOne() throws Exception {
        ClassDataArchive a = archive(APP);
        Recording r = (Recording) a.plan();
        a.recorded(r, 0); // exited normally, no file

        assertThat(a.plan()).isInstanceOf(None.class);
        assertThat(archive(OTHER_APP).plan()).isInstanceOf(None.class);
        assertThat(dir.resolve(KEY + ".jsa")).doesNotExist();
    }

    @Test
    void anArchiveTheProbeRefusesIsNeverPublished() throws Exception {
        probeAccepts = false;
        ClassDataArchive a = archive(APP);
        Recording r = (Recording) a.plan();
        jvmWrites(r);
        a.recorded(r, 0);

        assertThat(dir.resolve(KEY + ".jsa")).doesNotExist();
        assertThat(r.file()).doesNotExist();
        assertThat(a.plan()).isInstanceOf(None.class);
    }

    @Test
    void aKilledRecorderLeavesNoVerdictAndTheNextWorkerRecordsAgain() throws Exception {
        ClassDataArchive a = archive(APP);
        Recording r = (Recording) a.plan();
        a.started(r, RECORDER);
        a.recorded(r, 137); // SIGKILL: no dump

        assertThat(probes).hasValue(0);
        Plan again = a.plan();
        assertThat(again).isInstanceOf(Recording.class);
        assertThat(((Recording) again).file()).isNotEqualTo(r.file());
    }

    @Test
    void aFailedStartReleasesTheLock() throws Exception {
        ClassDataArchive a = archive(APP);
        a.recorded((Recording) a.plan(), -1);
        assertThat(archive(OTHER_APP).plan()).isInstanceOf(Recording.class);
    }

    @Test
    void aLockWhoseApplicationEndedIsTakenOverAndItsFinishedRecordingPublished() throws Exception {
        ClassDataArchive gone = archive(OTHER_APP);
        Recording r = (Recording) gone.plan();
        gone.started(r, RECORDER);
        jvmWrites(r); // the recorder dumped at its exit, after its application had ended
        live.remove(OTHER_APP);
        live.remove(RECORDER);

        assertThat(archive(APP).plan()).isEqualTo(new Share(dir.resolve(KEY + ".jsa")));
        assertThat(probes).hasValue(1);
        assertThat(r.file()).doesNotExist();
        assertThat(dir.resolve(KEY + ".lock")).doesNotExist();
    }

    @Test
    void aLockWhoseApplicationEndedBeforeItsRecorderStartedIsTakenOver() throws Exception {
        ClassDataArchive gone = archive(OTHER_APP);
        Recording r = (Recording) gone.plan();
        jvmWrites(r); // whatever it is, no recorder pid vouches for it: not published
        live.remove(OTHER_APP);

        Plan plan = archive(APP).plan();
        assertThat(plan).isInstanceOf(Recording.class);
        assertThat(probes).hasValue(0);
        assertThat(r.file()).doesNotExist();
    }

    @Test
    void aLockOfALiveApplicationIsStaleOnlyOnceOld() throws Exception {
        ClassDataArchive other = archive(OTHER_APP);
        other.plan();
        Path lock = dir.resolve(KEY + ".lock");
        assertThat(archive(APP).plan()).isInstanceOf(None.class);

        Files.setLastModifiedTime(
                lock,
                FileTime.fromMillis(System.currentTimeMillis() - ClassDataArchive.STALE_AFTER.toMillis() - 60_000));
        assertThat(archive(APP).plan()).isInstanceOf(Recording.class);
    }

    @Test
    void aDamagedLockIsHeldUntilItIsOld() throws Exception {
        Files.createDirectories(dir);
        Path lock = dir.resolve(KEY + ".lock");
        Files.writeString(lock, "");
        assertThat(archive(APP).plan()).isInstanceOf(None.class);
        Files.setLastModifiedTime(
                lock,
                FileTime.fromMillis(System.currentTimeMillis() - ClassDataArchive.STALE_AFTER.toMillis() - 60_000));
        assertThat(archive(APP).plan()).isInstanceOf(Recording.class);
    }

    @Test
    void aCacheThatCannotBeWrittenMeansNoArchiveNotAFailure() throws Exception {
        Path file = dir.resolve("not-a-directory");
        Files.writeString(file, "x");
        ClassDataArchive a = new ClassDataArchive(file.resolve("cds"), KEY, f -> true, APP, live::contains);
        assertThat(a.plan()).isInstanceOf(None.class);
    }

    @Test
    void theKeyFollowsTheJdkTheClassPathEntriesAndTheOptions() throws Exception {
        Path jar = dir.resolve("a.jar");
        Files.write(jar, new byte[] {1});
        List<String> cp = List.of(jar.toString());
        String key = ClassDataArchive.key("jdk-a", cp, List.of("-Xmx1g"));

        assertThat(ClassDataArchive.key("jdk-a", cp, List.of("-Xmx1g")))
                .isEqualTo(key)
                .hasSize(32);
        assertThat(ClassDataArchive.key("jdk-b", cp, List.of("-Xmx1g"))).isNotEqualTo(key);
        assertThat(ClassDataArchive.key("jdk-a", cp, List.of("-Xmx2g"))).isNotEqualTo(key);
        Files.write(jar, new byte[] {1, 2}); // rebuilt
        String rebuilt = ClassDataArchive.key("jdk-a", cp, List.of("-Xmx1g"));
        assertThat(rebuilt).isNotEqualTo(key);
        Files.setLastModifiedTime(
                jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 5_000));
        assertThat(ClassDataArchive.key("jdk-a", cp, List.of("-Xmx1g"))).isNotEqualTo(rebuilt);
    }

    @Test
    void onlyAClassPathOfJarsWithoutAModulePathCanBeArchived() throws Exception {
        Path jar = dir.resolve("a.jar");
        Files.write(jar, new byte[] {1});
        Path classes = Files.createDirectories(dir.resolve("classes"));
        assertThat(ClassDataArchive.eligible(List.of(jar.toString()), null)).isTrue();
        assertThat(ClassDataArchive.eligible(List.of(jar.toString()), "")).isTrue();
        assertThat(ClassDataArchive.eligible(List.of(jar.toString(), classes.toString()), null))
                .isFalse();
        assertThat(ClassDataArchive.eligible(List.of(dir.resolve("missing.jar").toString()), null))
                .isFalse();
        assertThat(ClassDataArchive.eligible(List.of(jar.toString()), "/some/modules"))
                .isFalse();
        assertThat(ClassDataArchive.eligible(List.of(), null)).isFalse();
    }
}

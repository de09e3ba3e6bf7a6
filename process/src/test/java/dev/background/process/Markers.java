package dev.background.process;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Files through which tasks in worker processes tell the test what they are doing (a latch cannot
 * cross a process boundary). Paths are passed to tasks as Strings, which serialise.
 */
final class Markers {
    private Markers() {}

    static String newPath(Path dir, String name) {
        return dir.resolve(name).toString();
    }

    /** In a worker: writes this process's pid to {@code path}. */
    static void writePid(String path) throws IOException {
        Path tmp = Path.of(path + ".tmp");
        Files.writeString(tmp, Long.toString(ProcessHandle.current().pid()));
        Files.move(tmp, Path.of(path));
    }

    /** In the test: waits until a task has written its pid, and returns it. */
    static long awaitPid(String path) {
        Path p = Path.of(path);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(p));
        try {
            return Long.parseLong(Files.readString(p).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void awaitDead(long pid) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
    }

    static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** The worker processes of a pool, found among this JVM's children by their id argument. */
    static java.util.List<Long> workerPids(String poolName) {
        return ProcessHandle.current()
                .children()
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info()
                        .arguments()
                        .map(a -> java.util.Arrays.stream(a).anyMatch(s -> s.startsWith(poolName + "-worker-")))
                        .orElse(false))
                .map(ProcessHandle::pid)
                .toList();
    }
}

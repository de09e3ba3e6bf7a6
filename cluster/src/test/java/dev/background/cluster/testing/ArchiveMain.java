package dev.background.cluster.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * For {@link LocalClusterArchiveTest}, in a JVM whose class path is jars only: starts a local
 * cluster of two workers with a class data archive in {@code args[0]} and prints, per worker,
 * whether it has that directory's archive mapped.
 */
public final class ArchiveMain {
    private ArchiveMain() {}

    public static void main(String[] args) throws IOException {
        try (LocalCluster local = LocalCluster.builder()
                .members(2)
                .n(1)
                .classDataArchive(Path.of(args[0]))
                .start()) {
            for (int i = 0; i < 2; i++) {
                String maps = Files.readString(Path.of("/proc/" + local.pid(i) + "/maps"));
                System.out.println("worker " + i + " maps the archive: " + maps.contains(args[0]));
            }
        }
    }
}

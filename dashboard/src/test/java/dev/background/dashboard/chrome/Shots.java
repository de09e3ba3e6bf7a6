package dev.background.dashboard.chrome;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where browser tests leave screenshots for people to look at: target/screenshots. */
public final class Shots {
    private Shots() {}

    /**
     * Writes a PNG under the directory named by the system property
     * {@code background.dashboard.shots} (the build sets it), else {@code target/screenshots}.
     *
     * @param name the file's name, without {@code .png}
     * @param png the image
     * @return the file written
     */
    public static Path save(String name, byte[] png) {
        Path dir = Path.of(System.getProperty("background.dashboard.shots", "target/screenshots"));
        try {
            Files.createDirectories(dir);
            return Files.write(dir.resolve(name + ".png"), png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

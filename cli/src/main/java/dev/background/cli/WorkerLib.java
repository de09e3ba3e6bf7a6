package dev.background.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The class path of the demo's worker JVMs: the jars that the build puts in
 * {@value #DIR}, next to the command line's jar. Worker JVMs that load the library, Tablesaw and
 * this module's classes from those, instead of from the 68 MB command-line jar, start faster (and
 * share a class data archive, which needs a class path of jars). Without that directory (the jar
 * copied elsewhere, or classes run from a build's directories), workers get this JVM's class path.
 */
final class WorkerLib {
    /** The directory's name, in the command-line jar's directory. */
    static final String DIR = "background-worker-lib";

    private WorkerLib() {}

    /**
     * The worker class path for this command line, if it runs from a jar with the directory next to it.
     *
     * @return the jars, sorted by name, or empty
     */
    static Optional<List<Path>> find() {
        CodeSource source = WorkerLib.class.getProtectionDomain().getCodeSource();
        try {
            return nextTo(source == null ? null : Path.of(source.getLocation().toURI()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The jars of {@value #DIR} next to {@code jar}.
     *
     * @param jar the command line's jar, or null
     * @return the jars, sorted by name, or empty if {@code jar} is not a file or the directory holds none
     */
    static Optional<List<Path>> nextTo(@Nullable Path jar) {
        if (jar == null || !Files.isRegularFile(jar) || jar.getParent() == null) {
            return Optional.empty();
        }
        Path dir = jar.getParent().resolve(DIR);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> jars = files.filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .sorted()
                    .toList();
            return jars.isEmpty() ? Optional.empty() : Optional.of(jars);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}

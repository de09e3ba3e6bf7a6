package dev.background.testkit;

import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The {@code java} launcher's note of a {@code JDK_JAVA_OPTIONS} set in the environment ("NOTE:
 * Picked up JDK_JAVA_OPTIONS: ..."), which every JVM started by the launcher prints on its standard
 * error. The build sets that variable for the modules whose tests start many JVMs (C1 only: see
 * process/pom.xml), so tests that want a worker's standard error empty leave out exactly that
 * line: it is the environment's, not the library's.
 */
public final class LauncherNote {
    private LauncherNote() {}

    /**
     * {@code stderr} without the lines that are the launcher's note of this JVM's
     * {@code JDK_JAVA_OPTIONS}, as a worker's echoed standard error shows it (after a
     * {@code [name] } prefix or none); unchanged if the variable is not set.
     *
     * @param stderr lines of standard error, each ended by a line break
     * @return the other lines, each ended by a line break
     */
    public static String strip(String stderr) {
        String options = System.getenv("JDK_JAVA_OPTIONS");
        if (options == null) {
            return stderr;
        }
        Pattern note = Pattern.compile("(\\[[^\\]]*\\] )?NOTE: Picked up JDK_JAVA_OPTIONS: " + Pattern.quote(options));
        return stderr.lines()
                .filter(l -> !note.matcher(l).matches())
                .map(l -> l + "\n")
                .collect(Collectors.joining());
    }
}

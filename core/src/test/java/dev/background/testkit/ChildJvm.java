package dev.background.testkit;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@code main} class of the test class path in a child JVM (the same {@code java}), for
 * what only a whole JVM shows: exit behaviour, environment variables, a small heap.
 */
public final class ChildJvm {
    private ChildJvm() {}

    /**
     * What a child JVM did.
     *
     * @param exitCode its exit code
     * @param output its standard output and error, interleaved
     */
    public record Result(int exitCode, String output) {}

    /**
     * Runs {@code main} and waits for it to exit; fails the test (and kills the child) if it is
     * still alive after {@code patience}, which should be generous: it bounds a hang, it does
     * not measure speed.
     *
     * @param main the class whose {@code main} to run
     * @param jvmArgs extra JVM options, such as {@code -Xmx64m}
     * @param env environment variables to set (a null value removes the variable)
     * @param patience how long the child may live
     * @param args the program's arguments
     * @return its exit code and output
     */
    public static Result run(
            Class<?> main, List<String> jvmArgs, Map<String, String> env, Duration patience, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.addAll(jvmArgs);
        command.add(main.getName());
        command.addAll(List.of(args));
        Path out = Files.createTempFile("child-jvm", ".out");
        try {
            ProcessBuilder pb =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().remove("BACKGROUND_N"); // the child sees only what the test sets
            env.forEach((k, v) -> {
                if (v == null) {
                    pb.environment().remove(k);
                } else {
                    pb.environment().put(k, v);
                }
            });
            Process p = pb.start();
            if (!p.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                fail("child JVM " + main.getSimpleName() + " still alive after " + patience + "; output:\n"
                        + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Same as {@link #run(Class, List, Map, Duration, String...)} with no options and 60 s patience. */
    public static Result run(Class<?> main, String... args) throws IOException, InterruptedException {
        return run(main, List.of(), Map.of(), Duration.ofSeconds(60), args);
    }
}

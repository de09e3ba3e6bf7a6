package dev.background.cli;

import dev.background.ExecutorKind;
import dev.background.cluster.testing.LocalCluster;
import dev.background.process.ProcessKind;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import picocli.CommandLine;

/**
 * The executor kinds that {@code --executor} offers, by the name a user types. Offering another
 * kind (worker processes, a cluster) is one more constant here: its name, what it runs on (for
 * the demo's text) and how to get its {@link ExecutorKind}; parsing, help, completion and error
 * messages follow from this list.
 */
public enum ExecutorChoice {
    /** Platform threads, like Python's {@code background}. */
    THREADS("threads", "platform threads", ExecutorKind::threads, false),
    /** Virtual threads: cheap, for calls that mostly wait. */
    VIRTUAL("virtual", "virtual threads", ExecutorKind::virtualThreads, false),
    /** One worker JVM per unit of n, isolated from the demo's own JVM. */
    PROCESSES("processes", "worker JVM processes", ExecutorChoice::processes, true),
    /** Two worker JVMs on this machine, started for the run and stopped after it: a Hazelcast cluster. */
    CLUSTER("cluster", "a local cluster of two worker JVMs", () -> LocalCluster.selfStarting(2, 256), true);

    private final String label;
    private final String description;

    @SuppressWarnings("ImmutableEnumChecker") // the suppliers are stateless lambdas
    private final Supplier<ExecutorKind> kind;

    private final boolean startsWorkers;

    ExecutorChoice(String label, String description, Supplier<ExecutorKind> kind, boolean startsWorkers) {
        this.label = label;
        this.description = description;
        this.kind = kind;
        this.startsWorkers = startsWorkers;
    }

    /**
     * The demo's worker processes: started with the pool, each with a 256 MB heap; on the class
     * path of {@link WorkerLib} when the command line runs from its jar; with the options that
     * pay off for the demo's short-lived workers whose calls sleep (C1 only: a worker's start
     * costs about half the CPU without C2's compilations; the serial collector: no GC threads to
     * start for a small heap), measured in BENCHMARKS.md; and SLF4J (which Tablesaw uses) as
     * quiet as in this JVM.
     */
    private static ExecutorKind processes() {
        ProcessKind.Builder b = ProcessKind.builder()
                .jvmOptions("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
                .systemProperty("slf4j.internal.verbosity", "ERROR")
                .eager(true);
        WorkerLib.find().ifPresent(b::classPath);
        return b.build();
    }

    /**
     * Whether pools of this kind start worker JVMs, whose start-up the demo reports apart from the batch.
     *
     * @return true for processes and the cluster
     */
    public boolean startsWorkers() {
        return startsWorkers;
    }

    /**
     * The name users type, such as {@code threads}.
     *
     * @return the name
     */
    public String label() {
        return label;
    }

    /**
     * What the calls run on, for sentences: {@code platform threads}.
     *
     * @return the description
     */
    public String description() {
        return description;
    }

    /**
     * The executor kind that pools built for this choice run on.
     *
     * @return the kind
     */
    public ExecutorKind kind() {
        return kind.get();
    }

    /**
     * The choice a user typed, ignoring case and surrounding blanks.
     *
     * @param text the name
     * @return the choice
     * @throws IllegalArgumentException naming the text and the accepted names, if none matches
     */
    public static ExecutorChoice parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        for (ExecutorChoice c : values()) {
            if (c.label.equals(t)) {
                return c;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not an executor; use one of " + accepted());
    }

    /**
     * The accepted names, for messages: {@code threads, virtual}.
     *
     * @return the names, comma-separated
     */
    public static String accepted() {
        return Arrays.stream(values()).map(ExecutorChoice::label).collect(Collectors.joining(", "));
    }

    /** Picocli's converter for {@code --executor}. */
    static final class Converter implements CommandLine.ITypeConverter<ExecutorChoice> {
        @Override
        public ExecutorChoice convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** The names for picocli's help and shell completion. */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(values()).map(ExecutorChoice::label).iterator();
        }
    }
}

package dev.background.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Prints a JMH JSON result file ({@code -rf json}) as ratios: for each benchmark (and each value of
 * its parameters other than {@code target}), every target's score divided by that of the
 * benchmark's first target, the baseline. Benchmarks list their raw JDK baseline first in their {@code target}
 * parameter, so a ratio reads "background takes R times what the raw executor takes" (or, for
 * throughput, "does R times as much").
 *
 * <p>When a target is repeated ({@code -p target=tpe,bg-run,tpe,bg-run}), each run is compared
 * with the latest run of the baseline before it, so that a ratio pairs runs close in time, and a
 * last table gives, per target, the median of those ratios: on a machine shared with other work,
 * the load changes between minutes more than between neighbouring runs.
 *
 * <p>Two ratios are shown: of the means (JMH's score) and of the medians. The median is that of
 * the measured iterations, or for a sampled benchmark the median sample (p50); on a machine shared
 * with other work, one disturbed iteration moves the mean but hardly the median.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.background.bench.Ratios results.json};
 * {@code bin/bench} runs it after every JMH run.
 */
public final class Ratios {
    private Ratios() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Ratios JMH_RESULTS.json");
            System.exit(2);
        }
        List<?> runs =
                (List<?>) Objects.requireNonNull(new Json(Files.readString(Path.of(args[0]))).value(), "no results");
        Map<String, String> baselineTarget = new HashMap<>();
        Map<String, double[]> baselines = new HashMap<>();
        Map<String, List<Double>> repeated = new LinkedHashMap<>();
        System.out.printf(
                Locale.ROOT,
                "%-40s %-13s %13s %11s %13s %-6s %7s %7s%n",
                "benchmark",
                "target",
                "mean",
                "error",
                "median",
                "unit",
                "mean",
                "median");
        for (Object o : runs) {
            Map<?, ?> run = (Map<?, ?>) o;
            Map<?, ?> params = run.get("params") instanceof Map<?, ?> p ? p : Map.of();
            Map<?, ?> metric = (Map<?, ?>) Objects.requireNonNull(run.get("primaryMetric"), "primaryMetric");
            StringBuilder key = new StringBuilder(((String) Objects.requireNonNull(run.get("benchmark"), "benchmark"))
                    .replaceFirst("^dev\\.background\\.bench\\.", ""));
            params.forEach((k, v) -> {
                if (!k.equals("target")) {
                    key.append(' ').append(k).append('=').append(v);
                }
            });
            String target = params.containsKey("target") ? String.valueOf(params.get("target")) : "";
            double mean = number(metric.get("score"));
            double error = number(metric.get("scoreError"));
            double median =
                    number(((Map<?, ?>) Objects.requireNonNull(metric.get("scorePercentiles"), "scorePercentiles"))
                            .get("50.0"));
            // The latest run of the baseline target is the baseline: with targets repeated
            // (-p target=tpe,bg-run,tpe,bg-run), each is compared with the run next to it in time.
            if (baselineTarget.computeIfAbsent(key.toString(), k -> target).equals(target)) {
                baselines.put(key.toString(), new double[] {mean, median});
            }
            double[] base =
                    Objects.requireNonNull(baselines.get(key.toString()), "a benchmark's first run is its baseline");
            System.out.printf(
                    Locale.ROOT,
                    "%-40s %-13s %13s %11s %13s %-6s %6.2fx %6.2fx%n",
                    key,
                    target,
                    fmt(mean),
                    Double.isNaN(error) ? "" : "± " + fmt(error),
                    fmt(median),
                    metric.get("scoreUnit"),
                    mean / base[0],
                    median / base[1]);
            repeated.computeIfAbsent(key + "\t" + target, k -> new ArrayList<>())
                    .add(median / base[1]);
        }
        if (repeated.values().stream().anyMatch(r -> r.size() > 1)) {
            System.out.printf(Locale.ROOT, "%nMedian over repeats of the ratio of medians:%n");
            repeated.forEach((k, r) -> {
                List<Double> sorted = r.stream().sorted().toList();
                int m = sorted.size() / 2;
                double median = sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
                String[] kt = k.split("\t", -1);
                System.out.printf(
                        Locale.ROOT,
                        "%-40s %-13s %6.2fx  (%d runs: %s)%n",
                        kt[0],
                        kt[1],
                        median,
                        r.size(),
                        r.stream()
                                .map(x -> String.format(Locale.ROOT, "%.2f", x))
                                .toList());
            });
        }
    }

    private static double number(@Nullable Object o) {
        return o instanceof Double d ? d : Double.NaN; // JMH writes "NaN" as a string
    }

    private static String fmt(double v) {
        return v >= 1_000 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3f", v);
    }

    /** Just enough JSON for JMH's result file: objects, arrays, strings, numbers, literals. */
    static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        @Nullable
        Object value() {
            skipSpace();
            char c = s.charAt(i);
            switch (c) {
                case '{' -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    i++;
                    while (!consume('}')) {
                        skipSpace();
                        String k = string();
                        expect(':');
                        m.put(k, value());
                        consume(',');
                    }
                    return m;
                }
                case '[' -> {
                    List<Object> l = new ArrayList<>();
                    i++;
                    while (!consume(']')) {
                        l.add(value());
                        consume(',');
                    }
                    return l;
                }
                case '"' -> {
                    return string();
                }
                default -> {
                    int start = i;
                    while (i < s.length() && ",}] \t\r\n".indexOf(s.charAt(i)) < 0) {
                        i++;
                    }
                    String lit = s.substring(start, i);
                    return switch (lit) {
                        case "true" -> true;
                        case "false" -> false;
                        case "null" -> null;
                        default -> Double.parseDouble(lit);
                    };
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            for (char c; (c = s.charAt(i++)) != '"'; ) {
                if (c == '\\') {
                    c = s.charAt(i++);
                    switch (c) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'r' -> b.append('\r');
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'u' -> {
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> b.append(c);
                    }
                } else {
                    b.append(c);
                }
            }
            return b.toString();
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private boolean consume(char c) {
            skipSpace();
            if (i < s.length() && s.charAt(i) == c) {
                i++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!consume(c)) {
                throw new IllegalArgumentException("bad JSON at " + i + ": expected '" + c + "'");
            }
        }
    }
}

package dev.background.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints a JMH CSV result file ({@code -rf csv}) as ratios: for each benchmark (and each value of
 * its parameters other than {@code target}), every target's score divided by that of the first
 * target run, the baseline. Benchmarks list their raw JDK baseline first in their {@code target}
 * parameter, so the ratio reads "background costs R times the raw executor". Sampled benchmarks
 * are shown by their mean and their median ({@code :p0.50}); other percentiles are left out.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.background.bench.Ratios results.csv};
 * {@code bin/bench} runs it after every JMH run.
 */
public final class Ratios {
    private Ratios() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Ratios JMH_RESULTS.csv");
            System.exit(2);
        }
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        if (lines.isEmpty()) {
            return;
        }
        List<String> header = parse(lines.get(0));
        int bench = header.indexOf("Benchmark"), score = header.indexOf("Score"),
                error = header.indexOf("Score Error (99.9%)"), unit = header.indexOf("Unit"),
                target = header.indexOf("Param: target");
        Map<String, Double> baselines = new LinkedHashMap<>();
        System.out.printf(Locale.ROOT, "%-44s %-14s %14s %12s %-6s %8s%n",
                "benchmark", "target", "score", "error", "unit", "ratio");
        for (String line : lines.subList(1, lines.size())) {
            List<String> row = parse(line);
            String name = row.get(bench).replaceFirst("^dev\\.background\\.bench\\.", "");
            if (name.contains(":") && !name.endsWith(":p0.50")) {
                continue;
            }
            StringBuilder key = new StringBuilder(name);
            for (int i = 0; i < header.size(); i++) {
                if (header.get(i).startsWith("Param: ") && i != target) {
                    key.append(' ').append(header.get(i).substring(7)).append('=').append(row.get(i));
                }
            }
            double s = Double.parseDouble(row.get(score));
            double base = baselines.computeIfAbsent(key.toString(), k -> s);
            String err = row.get(error).equals("NaN") ? "" : "± " + fmt(Double.parseDouble(row.get(error)));
            System.out.printf(Locale.ROOT, "%-44s %-14s %14s %12s %-6s %7.2fx%n", key,
                    target < 0 ? "" : row.get(target), fmt(s), err, row.get(unit), s / base);
        }
    }

    private static String fmt(double v) {
        return v >= 1_000 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3f", v);
    }

    /** One CSV line as JMH writes it: fields separated by commas, some in double quotes. */
    static List<String> parse(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (c == ',' && !quoted) {
                fields.add(f.toString());
                f.setLength(0);
            } else {
                f.append(c);
            }
        }
        fields.add(f.toString());
        return fields;
    }
}

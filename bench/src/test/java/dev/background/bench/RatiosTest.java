package dev.background.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RatiosTest {

    private static String run(String benchmark, String target, double score, double median) {
        return """
                {"benchmark": "dev.background.bench.core.%s", "mode": "avgt",
                 "params": {"target": "%s"},
                 "primaryMetric": {"score": %s, "scoreError": "NaN",
                   "scorePercentiles": {"0.0": 1.0, "50.0": %s, "100.0": 1e3},
                   "scoreUnit": "ns/op", "rawData": [[1.5, -2e-1, 3]]}}
                """.formatted(benchmark, target, score, median);
    }

    private static List<String> ratiosOf(Path dir, String... runs) throws Exception {
        Path json = dir.resolve("r.json");
        Files.writeString(json, "[" + String.join(",", runs) + "]");
        PrintStream old = System.out;
        var bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            Ratios.main(new String[] {json.toString()});
        } finally {
            System.setOut(old);
        }
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void eachTargetIsDividedByTheBenchmarksFirstTarget() throws Exception {
        List<String> out = ratiosOf(
                tmp,
                run("SubmitCost.submit", "tpe", 100, 80),
                run("SubmitCost.submit", "bg-run", 150, 200),
                run("RoundTrip.submitAndWait", "tpe", 10, 5));

        assertThat(out)
                .anySatisfy(l -> assertThat(l)
                        .startsWith("core.SubmitCost.submit")
                        .contains("bg-run")
                        .endsWith("1.50x   2.50x"));
        assertThat(out)
                .anySatisfy(l -> assertThat(l)
                        .startsWith("core.RoundTrip.submitAndWait")
                        .contains("tpe")
                        .endsWith("1.00x   1.00x"));
        assertThat(out).noneMatch(l -> l.startsWith("Median over repeats"));
    }

    @Test
    void repeatedTargetsArePairedWithTheLatestBaselineAndSummarisedByTheMedianRatio() throws Exception {
        List<String> out = ratiosOf(
                tmp,
                run("SubmitCost.submit", "tpe", 100, 100),
                run("SubmitCost.submit", "bg-run", 200, 200),
                run("SubmitCost.submit", "tpe", 50, 50),
                run("SubmitCost.submit", "bg-run", 150, 150),
                run("SubmitCost.submit", "tpe", 100, 100),
                run("SubmitCost.submit", "bg-run", 120, 120));

        assertThat(out.stream().filter(l -> l.contains("bg-run") && !l.contains("runs:")))
                .extracting(l -> l.substring(l.length() - 7).trim())
                .containsExactly("2.00x", "3.00x", "1.20x");
        assertThat(out)
                .anySatisfy(l ->
                        assertThat(l).contains("bg-run").contains("2.00x").contains("(3 runs: [2.00, 3.00, 1.20])"));
    }

    @Test
    void jsonParsesJmhsValues() {
        Map<?, ?> v = (Map<?, ?>) new Ratios.Json(
                        "{\"a\": [1, -2.5e1, \"x\\\"y\\u0041\"], \"b\": {\"c\": null, \"d\": true}, \"e\": \"NaN\"}")
                .value();

        assertThat(v.get("a")).isEqualTo(List.of(1.0, -25.0, "x\"yA"));
        Map<?, ?> b = (Map<?, ?>) v.get("b");
        assertThat(b.containsKey("c")).isTrue();
        assertThat(b.get("c")).isNull();
        assertThat(b.get("d")).isEqualTo(true);
        assertThat(v.get("e")).isEqualTo("NaN");
    }

    @Test
    void jsonRejectsAMissingColon() {
        assertThatThrownBy(() -> new Ratios.Json("{\"a\" 1}").value())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected ':'");
    }

    @TempDir
    Path tmp;
}

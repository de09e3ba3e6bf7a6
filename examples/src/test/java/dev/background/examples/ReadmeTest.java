package dev.background.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's code against the consumer project (src/it/consumer), which the test command builds
 * and runs against the installed artifacts: a block changed on one side only fails here.
 *
 * <ul>
 *   <li>Each {@code ```java} block: its {@code import} lines are lines of one of the consumer's
 *       sources, and its other lines appear in that same file one after another, in order.
 *   <li>Each {@code ```xml} block: its lines appear in the consumer's pom.xml in order (with
 *       other lines between them: the consumer depends on more than the README shows), the
 *       version the pom takes from the build being the README's.
 * </ul>
 *
 * Lines compare without their leading and trailing white space. Blocks of other languages (bash,
 * kotlin) are not checked; a Java block that must not compile can be marked {@code ```text}.
 */
class ReadmeTest {
    private static final Path README = Path.of(System.getProperty("background.readme", "../README.md"));
    private static final Path CONSUMER = Path.of(System.getProperty("background.consumer", "src/it/consumer"));

    @Test
    void everyJavaBlockOfTheReadmeIsInOneSourceOfTheConsumerProject() {
        Map<Path, List<String>> sources = new TreeMap<>();
        try (Stream<Path> files = Files.walk(CONSUMER.resolve("src/main/java"))) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> sources.put(f, lines(f)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<List<String>> blocks = blocks("java");
        assertThat(blocks).as("java blocks in %s", README).isNotEmpty();

        for (List<String> block : blocks) {
            List<String> imports =
                    block.stream().filter(l -> l.startsWith("import ")).toList();
            List<String> code = trimBlankEnds(
                    block.stream().filter(l -> !l.startsWith("import ")).toList());
            boolean found = sources.values().stream()
                    .anyMatch(src -> src.containsAll(imports) && Collections.indexOfSubList(src, code) >= 0);
            assertThat(found)
                    .as(
                            "This block of %s is in no file of %s/src/main/java (with its imports, its lines one after"
                                    + " another); change both together:%n%s",
                            README, CONSUMER, String.join("\n", block))
                    .isTrue();
        }
    }

    @Test
    void everyXmlBlockOfTheReadmeIsInTheConsumerPom() {
        List<String> pom = lines(CONSUMER.resolve("pom.xml")).stream()
                .map(l -> l.replace("@project.version@", System.getProperty("background.version", "@project.version@")))
                .toList();
        List<List<String>> blocks = blocks("xml");
        assertThat(blocks).as("xml blocks in %s", README).isNotEmpty();

        for (List<String> block : blocks) {
            int at = 0;
            for (String line : block.stream().filter(l -> !l.isEmpty()).toList()) {
                int found = pom.subList(at, pom.size()).indexOf(line);
                assertThat(found)
                        .as(
                                "Line '%s' of this block of %s is not in %s/pom.xml (in order, with the build's version);"
                                        + " change both together:%n%s",
                                line, README, CONSUMER, String.join("\n", block))
                        .isNotNegative();
                at += found + 1;
            }
        }
    }

    /** The fenced blocks of the README whose info string is exactly {@code lang}, as stripped lines. */
    private static List<List<String>> blocks(String lang) {
        List<List<String>> blocks = new ArrayList<>();
        List<String> block = null;
        for (String line : lines(README)) {
            if (block == null && line.equals("```" + lang)) {
                block = new ArrayList<>();
            } else if (block != null && line.equals("```")) {
                blocks.add(block);
                block = null;
            } else if (block != null) {
                block.add(line);
            }
        }
        assertThat(block).as("a block of %s left open", README).isNull();
        return blocks;
    }

    /** Without the blank lines at either end, which separate the imports from the code. */
    private static List<String> trimBlankEnds(List<String> lines) {
        int from = 0;
        int to = lines.size();
        while (from < to && lines.get(from).isEmpty()) {
            from++;
        }
        while (to > from && lines.get(to - 1).isEmpty()) {
            to--;
        }
        return lines.subList(from, to);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file).stream().map(String::strip).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.background.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Hazelcast's internals (its {@code internal} and {@code impl} packages, which change without
 * notice between versions) are used in one file only, so that a Hazelcast upgrade has one place
 * to look at.
 */
class HazelcastInternalsTest {
    private static final Pattern INTERNAL = Pattern.compile("com\\.hazelcast(\\.\\w+)*\\.(internal|impl)\\.");

    @Test
    void onlyMemberInvocationUsesHazelcastsInternals() throws IOException {
        Path sources = Path.of("src", "main", "java");
        List<Path> users;
        try (Stream<Path> files = Files.walk(sources)) {
            users = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(HazelcastInternalsTest::usesInternals)
                    .toList();
        }

        assertThat(users)
                .as("sources that use Hazelcast's internals")
                .containsExactly(sources.resolve("dev/background/cluster/internal/MemberInvocation.java"));
    }

    private static boolean usesInternals(Path source) {
        try {
            return INTERNAL.matcher(Files.readString(source)).find();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

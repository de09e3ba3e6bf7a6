package dev.background.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a worker JVM is told to start: the application survives the trip through system properties. */
class WorkerApplicationTest {

    @Test
    void theApplicationTravelsToAWorkerAsSystemPropertiesWithArgumentsOfAnyShape() {
        WorkerApplication app = new WorkerApplication(
                List.of("com.example.App"),
                List.of("prod", "eu"),
                List.of("--server.port=0", "--greeting=hello, world", "", "--path=a b\tc", "ünïcode=✓"));
        Map<String, String> properties = app.systemProperties();
        Map<String, String> saved = new java.util.HashMap<>();
        properties.keySet().forEach(k -> saved.put(k, System.getProperty(k)));
        try {
            properties.forEach(System::setProperty);
            assertThat(WorkerApplication.fromSystemProperties()).isEqualTo(app);
        } finally {
            saved.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
    }

    /** Regression guard: the arguments travelled as a system property, on the worker's command line (ps). */
    @Test
    void theArgumentsTravelInAFileOnlyTheUserCanReadNotOnTheCommandLine() throws Exception {
        WorkerApplication app =
                new WorkerApplication(List.of("com.example.App"), List.of(), List.of("--db.password=s3cret"));
        Map<String, String> properties = app.systemProperties();
        String encoded = Base64.getEncoder().encodeToString("--db.password=s3cret".getBytes(StandardCharsets.UTF_8));
        assertThat(properties.values()).noneMatch(v -> v.contains("s3cret") || v.contains(encoded.substring(0, 16)));
        Path file = Path.of(properties.get(WorkerApplication.ARGS_FILE_PROPERTY));
        assertThat(file).content(StandardCharsets.UTF_8).contains("s3cret");
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void aWorkerOfAPoolThatStartsNoApplicationIsToldNone() {
        assertThat(System.getProperty(WorkerApplication.SOURCES_PROPERTY)).isNull();
        assertThat(WorkerApplication.fromSystemProperties()).isNull();
    }

    @Test
    void anApplicationWithoutProfilesOrArgumentsStaysWithout() {
        WorkerApplication app = new WorkerApplication(List.of("com.example.App"), List.of(), List.of());
        Map<String, String> properties = app.systemProperties();
        try {
            properties.forEach(System::setProperty);
            assertThat(WorkerApplication.fromSystemProperties()).isEqualTo(app);
        } finally {
            properties.keySet().forEach(System::clearProperty);
        }
    }
}

package dev.background.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

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

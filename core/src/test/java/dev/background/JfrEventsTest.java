package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Flight Recorder events: one per task while a recording enables them, none otherwise. */
class JfrEventsTest {
    @TempDir
    Path dir;

    private static final int TASKS = 100_000;

    @Test
    void aRecordingOfOneHundredThousandTasksHoldsOneHundredThousandTaskEvents() throws Exception {
        List<RecordedEvent> events;
        try (Recording recording = new Recording()) {
            recording.enable("dev.background.Task");
            recording.enable("dev.background.PoolEvent");
            recording.start();
            try (BackgroundPool pool =
                    BackgroundPool.builder().name("recorded").n(4).build()) {
                var noop = pool.task((Integer i) -> i).named("noop");
                for (int i = 0; i < TASKS; i++) {
                    noop.apply(i);
                }
                pool.task(() -> {
                            throw new IllegalStateException("one failure");
                        })
                        .named("fails")
                        .call();
                pool.n(3);
                pool.shutdown();
                assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
            }
            recording.stop();
            events = dump(recording);
        }
        List<RecordedEvent> tasks = ofType(events, "dev.background.Task");
        assertThat(tasks).hasSize(TASKS + 1);
        Map<String, Long> byFunction =
                tasks.stream().collect(Collectors.groupingBy(e -> e.getString("function"), Collectors.counting()));
        assertThat(byFunction).containsEntry("noop", (long) TASKS).containsEntry("fails", 1L);
        RecordedEvent failed = tasks.stream()
                .filter(e -> e.getString("function").equals("fails"))
                .findFirst()
                .orElseThrow();
        assertThat(failed.getString("outcome")).isEqualTo("FAILED");
        assertThat(failed.getString("failure")).isEqualTo(IllegalStateException.class.getName());
        assertThat(failed.getString("pool")).isEqualTo("recorded");
        assertThat(failed.getString("kind")).isEqualTo("threads");
        assertThat(failed.getInt("attempt")).isEqualTo(1);
        assertThat(failed.getString("where")).startsWith("background-recorded-");
        assertThat(failed.getDuration("queueWait").isNegative()).isFalse();
        assertThat(tasks).allSatisfy(e -> assertThat(e.getString("pool")).isEqualTo("recorded"));

        Map<String, RecordedEvent> poolEvents = ofType(events, "dev.background.PoolEvent").stream()
                .filter(e -> e.getString("pool").equals("recorded"))
                .collect(Collectors.toMap(e -> e.getString("type"), Function.identity()));
        assertThat(poolEvents).containsOnlyKeys("OPENED", "N_CHANGED", "SHUT_DOWN");
        assertThat(poolEvents.get("N_CHANGED").getInt("n")).isEqualTo(3);
    }

    @Test
    void aRecordingThatDoesNotEnableTheTaskEventHoldsNone() throws Exception {
        List<RecordedEvent> events;
        try (Recording recording = new Recording()) {
            recording.start(); // the defaults of every event: pool events on, task events off
            try (BackgroundPool pool =
                    BackgroundPool.builder().name("unrecorded").n(2).build()) {
                for (int i = 0; i < 100; i++) {
                    pool.run(() -> 1);
                }
            }
            recording.stop();
            events = dump(recording);
        }
        assertThat(ofType(events, "dev.background.Task")).isEmpty();
        assertThat(ofType(events, "dev.background.PoolEvent"))
                .anyMatch(e -> e.getString("pool").equals("unrecorded")
                        && e.getString("type").equals("SHUT_DOWN"));
    }

    private List<RecordedEvent> dump(Recording recording) throws IOException {
        Path file = dir.resolve("recording.jfr");
        recording.dump(file);
        return RecordingFile.readAllEvents(file);
    }

    private static List<RecordedEvent> ofType(List<RecordedEvent> events, String type) {
        return events.stream()
                .filter(e -> e.getEventType().getName().equals(type))
                .toList();
    }
}

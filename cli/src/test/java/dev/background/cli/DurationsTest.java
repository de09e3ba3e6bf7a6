package dev.background.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest(name = "{0} = {1} ns")
    @CsvSource({
        "1s, 1000000000",
        "500ms, 500000000",
        "2m, 120000000000",
        "1h, 3600000000000",
        "1.5s, 1500000000",
        "250us, 250000",
        "250µs, 250000",
        "7ns, 7",
        "' 3 S ', 3000000000",
        "0s, 0",
        ".5s, 500000000",
        "2min, 120000000000",
        "PT1.5S, 1500000000",
        "pt10s, 10000000000",
        "PT2M, 120000000000",
        "P1D, 86400000000000",
    })
    void parsesHumanAndIsoDurations(String text, long nanos) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "s", "1 sec x", "1.2.3s", "ten seconds", "PT", "1d", "99999999999999999h"})
    void rejectsWhatDoesNotParseSayingWhatIsAccepted(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not a duration; use " + Durations.ACCEPTED);
    }

    @Test
    void isoMayBeNegativeForCallersToJudge() {
        assertThat(Durations.parse("-PT1S")).isEqualTo(Duration.ofSeconds(-1));
    }

    @ParameterizedTest(name = "{0} ns -> {1}")
    @CsvSource({
        "0, 0 ns",
        "999, 999 ns",
        "1500000, 1.50 ms",
        "8900000, 8.90 ms",
        "212000000, 212 ms",
        "999999999, 1.00 s",
        "1000000000, 1.00 s",
        "10000000000, 10.0 s",
        "59000000000, 59.0 s",
        "100000000000, 1min 40s",
        "3599000000000, 59min 59s",
        "20000000000000, 5h 33min 20s",
        "-1, n/a",
    })
    void formatsLikeIPythonsTime(long nanos, String text) {
        assertThat(Durations.format(nanos)).isEqualTo(text);
    }

    @Test
    void formatsMicrosecondsWithThreeDigits() {
        assertThat(Durations.format(212_400)).matches("212 (µs|us)");
        assertThat(Durations.format(4_125)).matches("4.13 (µs|us)");
        assertThat(Durations.format(999_999)).isEqualTo("1.00 ms");
    }
}

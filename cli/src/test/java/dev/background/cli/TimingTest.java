package dev.background.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class TimingTest {

    @Test
    void cpuOfTheTimingThreadIsSplitIntoUserAndSysThatAddUp() {
        Timing clock = Timing.start();
        long x = 0;
        for (int i = 0; i < 20_000_000; i++) {
            x += i ^ (x >>> 3);
        }
        Timing.Measurement m = clock.elapsed();

        assertThat(x).isNotZero();
        assertThat(m.totalNanos()).isPositive().isEqualTo(m.userNanos() + m.sysNanos());
        assertThat(m.userNanos()).isNotNegative();
        assertThat(m.sysNanos()).isNotNegative();
        assertThat(m.wallNanos()).isPositive();
        assertThat(m.toString())
                .matches("(?s)CPU times: user .+, sys .+, total .+ \\(this thread; whole JVM: .+\\)\\R"
                        + "Wall time: .+");
    }

    @Test
    void readingFromAnotherThreadReportsThreadTimesAsUnavailable() {
        Timing clock = Timing.start();

        Timing.Measurement m = CompletableFuture.supplyAsync(clock::elapsed).join();

        assertThat(m.userNanos()).isEqualTo(-1);
        assertThat(m.totalNanos()).isEqualTo(-1);
        assertThat(m.cpuLine()).startsWith("CPU times: user n/a, sys n/a, total n/a");
        assertThat(m.wallNanos()).isNotNegative();
    }
}

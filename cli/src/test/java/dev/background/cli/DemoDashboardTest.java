package dev.background.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.background.dashboard.chrome.Chromium;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code background demo --dashboard}, looked at in headless Chromium while the story runs. */
class DemoDashboardTest {
    private static final Pattern ADDRESS = Pattern.compile("Dashboard: (http://\\S+)");

    /** Captures the output, and completes {@code address} as soon as the dashboard's line is written. */
    private static final class Output extends StringWriter {
        final CompletableFuture<URI> address = new CompletableFuture<>();

        @Override
        public void write(String s, int off, int len) {
            super.write(s, off, len);
            Matcher m = ADDRESS.matcher(toString());
            if (!address.isDone() && m.find()) {
                address.complete(URI.create(m.group(1)));
            }
        }
    }

    @Test
    void thePageFollowsBothBatchesOfTheCrank() throws Exception {
        try (Chromium chrome = Chromium.start()) {
            Output out = new Output();
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> BackgroundCommand.commandLine(
                            new PrintWriter(out, true), new PrintWriter(new StringWriter()), false)
                    .execute("demo", "--crank", "--dashboard", "--runs", "12", "--n", "3", "--sleep", "400ms"));
            URI address = out.address.get(60, TimeUnit.SECONDS);
            assertThat(address.getHost()).isEqualTo("127.0.0.1");
            Chromium.Page page = chrome.open(address);
            // Both batches' 12 calls, on two pools named "demo" one after the other, end up in one row.
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(page.evaluate("(() => { const row = document.querySelector("
                                    + "'.fn[data-pool=demo][data-function=long_func]'); return row ?"
                                    + " row.querySelector('[data-count=done]').textContent : 'no row'; })()"))
                            .isEqualTo("24"));
            assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
            assertThat(out.toString()).contains("(live while the demo runs)").contains("Crank it up");
        }
    }
}

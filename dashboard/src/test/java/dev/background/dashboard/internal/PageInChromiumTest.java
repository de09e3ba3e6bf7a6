package dev.background.dashboard.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.background.dashboard.chrome.Chromium;
import dev.background.dashboard.chrome.Shots;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The page itself, in headless Chromium, fed by a board that the test drives event by event. */
class PageInChromiumTest {
    private static Chromium chrome;

    @BeforeAll
    static void startBrowser() {
        chrome = Chromium.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (chrome != null) {
            chrome.close();
        }
    }

    @Test
    void showsTheBoardsCountsWithoutConsoleErrors() {
        Board board = new Board(System::nanoTime);
        long t0 = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            board.submitted("io", "fetch");
        }
        board.started("io", "fetch", "io-1", t0);
        board.started("io", "fetch", "io-2", t0);
        board.started("io", "fetch", "io-1", t0);
        board.runEnded("io", "fetch", "io-1");
        board.ended("io", "fetch", "io-1", Future.State.SUCCESS, t0, t0, t0 + 1_000_000, null);
        board.runEnded("io", "fetch", "io-2");
        board.ended(
                "io",
                "fetch",
                "io-2",
                Future.State.FAILED,
                t0,
                t0,
                t0 + 2_000_000,
                new IllegalStateException("<b>boom</b>"));
        try (Server server = Server.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                null,
                board,
                () -> List.of(new Board.PoolState("io", "threads", 4, 3, false)),
                50)) {
            Chromium.Page page = chrome.open(
                    URI.create("http://127.0.0.1:" + server.address().getPort() + "/"));
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(
                                    page.evaluate(
                                            "[...document.querySelectorAll('.fn [data-count]')].map(e => e.dataset.count + '=' + e.textContent).join(' ')"))
                            .isEqualTo("queued=2 running=1 done=1 failed=1 cancelled=0 submitted=5"));
            assertThat(page.evaluate("document.querySelector('.failure pre').textContent"))
                    .asString()
                    .contains("java.lang.IllegalStateException: <b>boom</b>");
            assertThat(page.evaluate("document.querySelector('#status').dataset.live"))
                    .isEqualTo("true");
            assertThat(page.errors()).isEmpty();
            Shots.save("board-driven", page.screenshot());
            page.close();
        }
    }
}

package dev.background.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.Tasks;
import dev.background.dashboard.chrome.Chromium;
import dev.background.dashboard.chrome.Shots;
import dev.background.function.AsyncFunction;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard of real pools, looked at in headless Chromium: the page loads without console
 * errors, its counts match the pool's, and it follows tasks while they run.
 */
class DashboardInChromiumTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);
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

    /** The counts of one function's row, as the page shows them. */
    private static String counts(Chromium.Page page, String pool, String function) {
        return (String) page.evaluate("(() => { const row = [...document.querySelectorAll('.fn')].find(r =>"
                + " r.dataset.pool === '" + pool + "' && r.dataset.function === '" + function + "');"
                + " return row ? [...row.querySelectorAll('[data-count]')].map(e => e.dataset.count + '='"
                + " + e.textContent.replaceAll(',', '')).join(' ') : 'no row'; })()");
    }

    @Test
    void countsMatchThePoolsWithoutConsoleErrors() {
        try (BackgroundPool pool = BackgroundPool.builder().name("numbers").n(4).build();
                Dashboard dashboard = Dashboard.builder().pool(pool).start()) {
            Chromium.Page page = chrome.open(dashboard.uri());
            AsyncFunction<Integer, Integer> square = pool.task((Integer i) -> {
                        if (i % 10 == 0) {
                            throw new IllegalArgumentException("no multiples of ten: " + i);
                        }
                        return i * i;
                    })
                    .named("square");
            List<Task<Integer>> tasks =
                    IntStream.range(0, 200).mapToObj(square::apply).toList();
            assertThat(Tasks.awaitAll(tasks, Duration.ofSeconds(30))).isTrue();
            long succeeded = tasks.stream()
                    .filter(t -> t.state() == Future.State.SUCCESS)
                    .count();
            long failed =
                    tasks.stream().filter(t -> t.state() == Future.State.FAILED).count();
            assertThat(succeeded).isEqualTo(180);

            await().atMost(PATIENCE)
                    .untilAsserted(() -> assertThat(counts(page, "numbers", "square"))
                            .isEqualTo("queued=0 running=0 done=" + succeeded + " failed=" + failed
                                    + " cancelled=0 submitted=200"));
            assertThat(page.evaluate("document.querySelector('.pool[data-pool=numbers]').textContent"))
                    .isEqualTo("numbers · threads · n = 4 · " + pool.pending() + " pending");
            assertThat(page.evaluate("document.querySelectorAll('#failures details').length"))
                    .isEqualTo(20.0);
            assertThat(page.evaluate("document.querySelector('#failures pre').textContent"))
                    .asString()
                    .contains("java.lang.IllegalArgumentException: no multiples of ten");
            assertThat(page.errors()).isEmpty();
            Shots.save("counts", page.screenshot());
            page.close();
        }
    }

    @Test
    void followsTasksWhileTheyRun() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        try (BackgroundPool pool = BackgroundPool.builder().name("waiting").n(3).build();
                Dashboard dashboard = Dashboard.builder().pool(pool).start()) {
            Chromium.Page page = chrome.open(dashboard.uri());
            AsyncFunction<Integer, Integer> wait = pool.task((Integer i) -> {
                        release.await();
                        return i;
                    })
                    .named("wait");
            List<Task<Integer>> tasks =
                    IntStream.range(0, 5).mapToObj(wait::apply).toList();

            await().atMost(PATIENCE)
                    .untilAsserted(() -> assertThat(counts(page, "waiting", "wait"))
                            .isEqualTo("queued=2 running=3 done=0 failed=0 cancelled=0 submitted=5"));
            release.countDown();
            Tasks.awaitAll(tasks);
            await().atMost(PATIENCE)
                    .untilAsserted(() -> assertThat(counts(page, "waiting", "wait"))
                            .isEqualTo("queued=0 running=0 done=5 failed=0 cancelled=0 submitted=5"));
            assertThat(page.evaluate("document.querySelectorAll('#workers tbody tr').length"))
                    .isEqualTo(3.0);
            assertThat(page.errors()).isEmpty();
            page.close();
        } finally {
            release.countDown();
        }
    }

    @Test
    void aTokenInTheAddressBecomesACookieAndLeavesTheAddressBar() {
        try (BackgroundPool pool = BackgroundPool.builder().name("shared").n(1).build();
                Dashboard dashboard =
                        Dashboard.builder().pool(pool).host("0.0.0.0").start()) {
            String token = dashboard.token().orElseThrow();
            java.net.URI local = java.net.URI.create(
                    "http://127.0.0.1:" + dashboard.address().getPort() + "/?token=" + token);
            Chromium.Page page = chrome.open(local);
            pool.task(() -> 42).named("answer").call().result();
            await().atMost(PATIENCE)
                    .untilAsserted(() -> assertThat(counts(page, "shared", "answer"))
                            .isEqualTo("queued=0 running=0 done=1 failed=0 cancelled=0 submitted=1"));
            assertThat(page.evaluate("location.href"))
                    .isEqualTo("http://127.0.0.1:" + dashboard.address().getPort() + "/");
            assertThat(page.errors()).isEmpty();
            page.close();
        }
    }
}

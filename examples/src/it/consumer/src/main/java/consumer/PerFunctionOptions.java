package consumer;

import dev.background.BackgroundPool;
import java.time.Duration;

/** The README's per-function options: {@code fetch}, named, with a timeout and a limit; prints one page. */
final class PerFunctionOptions {
    private PerFunctionOptions() {}

    public static void main(String[] args) {
        var http = new Http();
        try (var pool = BackgroundPool.builder().name("web").build()) {
            var fetch = pool.task((String url) -> http.get(url))
                    .named("fetch")                          // in thread names, Task.name() and errors
                    .timeout(Duration.ofSeconds(10))         // fails with TimeoutException, call interrupted
                    .limit(4);                               // at most 4 calls of fetch at once, under n

            var page = fetch.apply("https://example.com/");
            System.out.println(page.name() + ": " + page.result());
        }
    }
}

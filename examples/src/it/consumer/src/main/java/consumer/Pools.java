package consumer;

import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.Tasks;
import java.util.List;

/** The README's own pool of virtual threads: fetches three pages and prints their lengths. */
final class Pools {
    private Pools() {}

    public static void main(String[] args) {
        var http = new Http();
        List<String> urls = List.of("https://example.com/a", "https://example.com/bb", "https://example.com/ccc");

        try (var io = BackgroundPool.builder().name("io").virtualThreads().n(10_000).build()) {
            var fetch = io.task((String url) -> http.get(url));
            List<Task<String>> pages = urls.stream().map(fetch).toList();
            Tasks.asCompleted(pages).forEach(p -> System.out.println(p.result().length()));
        }   // close(): waits for what was submitted
    }
}

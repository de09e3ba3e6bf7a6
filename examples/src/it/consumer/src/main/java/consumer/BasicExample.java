package consumer;

import dev.background.Background;
import dev.background.Task;
import java.util.List;
import java.util.stream.IntStream;

/** The README's basic example: a hundred calls of {@code work} submitted at once; prints each result. */
final class BasicExample extends ReadmeTime {
    private BasicExample() {}

    public static void main(String[] args) {
        var work = Background.task(() -> {          // @background.task
            Thread.sleep(1_000);
            return "done";
        });
        List<Task<String>> tasks = IntStream.range(0, 100).mapToObj(i -> work.call()).toList(); // at once
        tasks.forEach(t -> System.out.println(t.result()));   // result() blocks, like future.result()
    }
}

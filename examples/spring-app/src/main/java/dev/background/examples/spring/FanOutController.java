package dev.background.examples.spring;

import dev.background.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /items?count=10}: looks every item up at once, answers when all have answered. */
@RestController
class FanOutController {

    private final Lookups lookups;

    FanOutController(Lookups lookups) {
        this.lookups = lookups;
    }

    @GetMapping("/items")
    List<String> items(@RequestParam(name = "count", defaultValue = "10") int count) throws InterruptedException {
        List<Task<String>> tasks = new ArrayList<>();
        for (int i : IntStream.range(0, count).toArray()) {
            tasks.add(lookups.lookUp(i)); // returns at once: the call runs on the pool
        }
        return tasks.stream().map(Task::result).toList();
    }
}

package dev.background.examples.spring;

import dev.background.Task;
import dev.background.Tasks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Service;

/** The calls the endpoint fans out: each {@code @Async}, so each runs on background's default pool. */
@Service
public class Lookups {

    private static final Logger LOG = LoggerFactory.getLogger(Lookups.class);

    private final Backend backend;

    Lookups(Backend backend) {
        this.backend = backend;
    }

    /**
     * Looks one item up in the background.
     *
     * @param item which item
     * @return the pool's task; its result is the item's description
     * @throws InterruptedException if interrupted while waiting for the backend
     */
    @Async
    public Task<String> lookUp(int item) throws InterruptedException {
        LOG.info("looking up item {}", item);
        String found = backend.lookUp(item);
        LOG.info("looked up item {}", item);
        return Tasks.completed(found);
    }
}

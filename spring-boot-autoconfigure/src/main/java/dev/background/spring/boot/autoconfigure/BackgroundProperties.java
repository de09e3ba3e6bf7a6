package dev.background.spring.boot.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code background.*} properties: the default pool's settings at the top level, named pools
 * under {@code background.pools.NAME}, and how the pools serve Spring ({@code @Async},
 * scheduling). Bound once at start-up; invalid values fail start-up with a failure analysis that
 * names the property and what to set.
 */
@ConfigurationProperties("background")
public class BackgroundProperties extends PoolProperties {

    /** Named pools, each with the settings of the default pool; @Async("NAME") runs a method on one. */
    private Map<String, PoolProperties> pools = new LinkedHashMap<>();

    /** Whether the default pool becomes the application's task executor (@Async) and, with @EnableScheduling, runs scheduled methods, when the application defines no executor or scheduler of its own. */
    private boolean taskExecutor = true;

    /** The defaults: no named pools, and the default pool as the task executor. Spring binds into it. */
    public BackgroundProperties() {}

    /**
     * The named pools, by name, in the order configured.
     *
     * @return the pools' settings
     */
    public Map<String, PoolProperties> getPools() {
        return pools;
    }

    /**
     * Sets the named pools.
     *
     * @param pools the pools' settings by name
     */
    public void setPools(Map<String, PoolProperties> pools) {
        this.pools = pools;
    }

    /**
     * Whether the default pool becomes the application's task executor and scheduler.
     *
     * @return true by default
     */
    public boolean isTaskExecutor() {
        return taskExecutor;
    }

    /**
     * Sets whether the default pool becomes the application's task executor and scheduler.
     *
     * @param taskExecutor false to leave Spring's own
     */
    public void setTaskExecutor(boolean taskExecutor) {
        this.taskExecutor = taskExecutor;
    }
}

package dev.background.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.support.SpringFactoriesLoader;

/** Wrong background.* values fail start-up with an analysis that names the property and what to set. */
class BackgroundFailureAnalysisTest {

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(BackgroundAutoConfiguration.class));

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "background.n=0|background.n|is 0, but a pool runs at least 1 task at once|Set background.n to 1 or more",
                "background.pools.io.n=-3|background.pools.io.n|is -3|Set background.pools.io.n to 1 or more",
                "background.keep-results=-1|background.keep-results|is -1, outside 0..|Set background.keep-results between 0",
                "background.kind=cluster|background.cluster.name|is not set, but background.kind is cluster|Set background.cluster.name",
                "background.pools.c.kind=cluster,background.pools.c.cluster.name=prod|background.pools.c.cluster.members|is empty|Set background.pools.c.cluster.members",
                "background.kind=cluster,background.cluster.name=prod,background.cluster.members=nocolon|background.cluster.members|[nocolon]|host:port",
                "background.cluster.members=10.0.0.5:5701|background.cluster|background.kind is threads, which does not use it|Set background.kind=cluster",
                "background.processes.jvm-options=-Xmx1g|background.processes|background.kind is threads|Set background.kind=processes",
                "background.kind=processes,background.processes.retries-on-worker-death=-1|background.processes.retries-on-worker-death|cannot be negative|to 0 or more",
                "background.pools.default.n=2|background.pools.default|reserved|Rename the pool",
                "background.pools.taskExecutor.n=2|background.pools.taskExecutor|reserved|Rename the pool",
                "background.propagators=mdc|background.propagators|names 'mdc', but no context propagator has that key; available: []|define a ContextPropagator bean",
                "background.kind=cluster,background.cluster.name=p,background.cluster.members=h:1,background.cluster.secret-file=/nonexistent-secret|background.cluster.secret-file|cannot be used|Point background.cluster.secret-file to a readable file",
            })
    void aWrongValueFailsStartUpWithTheProperyAndWhatToSet(
            String properties, String property, String problem, String action) {
        runner.withPropertyValues(properties.split(",")).run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = analyze(context.getStartupFailure());
            assertThat(analysis.getDescription())
                    .contains("property '" + property + "'")
                    .contains(problem);
            assertThat(analysis.getAction()).contains(action);
        });
    }

    @Test
    void aRemoteKindWithoutItsModuleSaysWhichDependencyToAdd() {
        runner.withClassLoader(new FilteredClassLoader("dev.background.process"))
                .withPropertyValues("background.pools.batch.kind=processes")
                .run(context -> {
                    FailureAnalysis analysis = analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription())
                            .contains("'background.pools.batch.kind'")
                            .contains("dev.background:background-process is not on the classpath");
                    assertThat(analysis.getAction()).contains("Add the dependency dev.background:background-process");
                });
        runner.withClassLoader(new FilteredClassLoader("dev.background.cluster"))
                .withPropertyValues("background.kind=cluster")
                .run(context -> assertThat(analyze(context.getStartupFailure()).getAction())
                        .contains("dev.background:background-cluster"));
    }

    @Test
    void anUnknownKindFailsWithSpringsBindingAnalysis() {
        runner.withPropertyValues("background.kind=gpus").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("gpus");
            Throwable t = context.getStartupFailure();
            while (t != null && !(t instanceof BindException)) {
                t = t.getCause();
            }
            assertThat(t).isInstanceOf(BindException.class);
            assertThat(((BindException) t).getProperty()).isNotNull();
            assertThat(((BindException) t).getProperty().getName().toString()).isEqualTo("background.kind");
        });
    }

    @Test
    void aFailedStartLeavesNoPoolRunning() {
        // The default pool is made before the named one that fails: it must be shut down.
        runner.withPropertyValues("background.pools.bad.n=0")
                .run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("background.pools.ok.n=1", "background.pools.bad.n=0")
                .run(context -> assertThat(context).hasFailed());
    }

    @Test
    void theAnalyzerIsRegisteredForSpringBoot() throws Exception {
        // Spring Boot's FailureAnalyzers loads it this way; loading every analyzer here would need
        // the constructor arguments Spring Boot gives some of them.
        var properties = new java.util.ArrayList<java.util.Properties>();
        var urls = getClass().getClassLoader().getResources(SpringFactoriesLoader.FACTORIES_RESOURCE_LOCATION);
        while (urls.hasMoreElements()) {
            properties.add(org.springframework.core.io.support.PropertiesLoaderUtils.loadProperties(
                    new org.springframework.core.io.UrlResource(urls.nextElement())));
        }
        assertThat(properties)
                .anyMatch(p -> BackgroundFailureAnalyzer.class
                        .getName()
                        .equals(p.getProperty(FailureAnalyzer.class.getName())));
    }

    @Test
    void idesCompleteThePropertiesFromTheGeneratedMetadata() throws Exception {
        String json;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(json)
                .contains("\"name\": \"background.n\"")
                .contains("\"name\": \"background.kind\"")
                .contains("\"name\": \"background.keep-results\"")
                .contains("\"name\": \"background.pools\"")
                .contains("\"name\": \"background.cluster.members\"")
                .contains("\"name\": \"background.cluster.secret-file\"")
                .contains("\"name\": \"background.processes.retries-on-worker-death\"")
                .contains("\"name\": \"background.propagators\"")
                .contains("\"name\": \"background.task-executor\"")
                .contains("How many tasks run at once");
    }

    private static FailureAnalysis analyze(Throwable failure) {
        FailureAnalysis analysis = new BackgroundFailureAnalyzer().analyze(failure);
        assertThat(analysis).as("analysis of %s", failure).isNotNull();
        return analysis;
    }
}

package dev.background.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.BackgroundPool;
import dev.background.cluster.testing.LocalCluster;
import dev.background.function.CheckedCallable;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a user deploys code: the application's classes reach workers through --class-path. */
class DeployTest {

    @Test
    void classesGivenWithClassPathAndAllowRunOnTheWorkers(@TempDir Path dir) throws Exception {
        Path classes = RuntimeClasses.compile(dir, "com.example.app.Report", """
                package com.example.app;
                public class Report implements dev.background.function.CheckedCallable<String> {
                    public String call() {
                        return "report from " + ProcessHandle.current().pid()
                                + " via " + getClass().getClassLoader().getName();
                    }
                }
                """);

        try (LocalCluster cluster = LocalCluster.builder()
                        .members(1)
                        .n(1)
                        .userClassPath(classes.toString())
                        .allowPackages("com.example")
                        .start();
                BackgroundPool pool =
                        BackgroundPool.builder().kind(cluster.kind()).n(1).build();
                URLClassLoader app = new URLClassLoader(
                        new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            @SuppressWarnings("unchecked")
            CheckedCallable<String> report = (CheckedCallable<String>)
                    app.loadClass("com.example.app.Report").getConstructor().newInstance();

            String answer = pool.task(report).call().result(Duration.ofSeconds(60));

            assertThat(answer).isEqualTo("report from " + cluster.pid(0) + " via background-worker-classes");
        }
    }
}

package dev.background.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.ToolProvider;

/** Compiles a class at run time, into a directory that no worker has on its class path. */
final class RuntimeClasses {
    private RuntimeClasses() {}

    /**
     * Compiles {@code source}, the class {@code className}, against this JVM's class path.
     *
     * @return the directory holding the compiled class
     */
    static Path compile(Path dir, String className, String source) throws IOException {
        Path src = dir.resolve("src").resolve(className.replace('.', '/') + ".java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        int rc = ToolProvider.getSystemJavaCompiler()
                .run(
                        null,
                        null,
                        null,
                        "-d",
                        classes.toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        src.toString());
        assertThat(rc).as("javac exit code").isZero();
        return classes;
    }
}

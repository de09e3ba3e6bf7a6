package dev.background.spring.boot.autoconfigure;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationContextFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.Banner;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.scheduling.config.TaskManagementConfigUtils;
import org.springframework.util.ClassUtils;

/**
 * The application as its worker processes start it, to run its {@code @Async} methods there:
 * its {@code @SpringBootConfiguration} class, active profiles and command-line arguments. Read in
 * the application ({@link #of}); carried to each worker JVM as system properties (so that the
 * worker starts it before it reports ready, {@link BackgroundWorkerInitializer}) and inside each
 * call (so that a worker started without them, a cluster member say, starts it at its first
 * call).
 *
 * <p>In a worker, {@link #context()} starts the application once, in worker mode: no web server
 * ({@code WebApplicationType.NONE}), every pool on threads ({@value #WORKER_PROPERTY}, so a worker
 * never starts workers of its own), and without the post-processors of {@code @EnableAsync} and
 * {@code @EnableScheduling} or the application's {@code CommandLineRunner}s and
 * {@code ApplicationRunner}s: an {@code @Async} method runs synchronously in the call that the
 * application sent, and no {@code @Scheduled} method or start-up job runs in every worker.
 *
 * <p><b>Threads.</b> The record is immutable. {@link #context()} starts the worker's context at
 * most once per JVM, under the lock of {@link Started}; callers that come meanwhile wait for it.
 *
 * @param sources the names of the classes to start, the application's {@code @SpringBootConfiguration}
 * @param profiles the application's active profiles
 * @param args the application's command-line arguments
 */
record WorkerApplication(List<String> sources, List<String> profiles, List<String> args) implements Serializable {

    /** Set (to true) in a worker's environment: the starter then builds every pool on threads. */
    static final String WORKER_PROPERTY = "background.worker-mode";

    /** System properties of the worker JVMs that name the application to start. */
    static final String SOURCES_PROPERTY = "background.spring.sources";

    static final String PROFILES_PROPERTY = "background.spring.profiles";
    /**
     * Names a file, readable by its owner only, that holds the arguments: not the arguments
     * themselves, since a command line is readable by every local user (ps).
     */
    static final String ARGS_FILE_PROPERTY = "background.spring.args-file";

    WorkerApplication {
        sources = List.copyOf(sources);
        profiles = List.copyOf(profiles);
        args = List.copyOf(args);
    }

    /**
     * The running application, as workers should start it.
     *
     * @param beanFactory the application's, where its {@code @SpringBootConfiguration} class is found
     * @param environment its environment, for the active profiles
     * @param arguments its command-line arguments, if Spring Boot gave them
     * @return the application, or null if it has no single {@code @SpringBootConfiguration} class
     *     (a context that Spring Boot did not start, as in tests of a few configurations)
     */
    static @Nullable WorkerApplication of(
            ConfigurableListableBeanFactory beanFactory,
            Environment environment,
            @Nullable ApplicationArguments arguments) {
        List<String> sources = new ArrayList<>();
        for (String name : beanFactory.getBeanNamesForAnnotation(SpringBootConfiguration.class)) {
            Class<?> type = beanFactory.getType(name, false);
            if (type != null) {
                sources.add(ClassUtils.getUserClass(type).getName());
            }
        }
        if (sources.size() != 1) {
            return null;
        }
        return new WorkerApplication(
                sources,
                Arrays.asList(environment.getActiveProfiles()),
                arguments == null ? List.of() : Arrays.asList(arguments.getSourceArgs()));
    }

    /**
     * Whether this environment is a worker's, started by {@link #context()}.
     *
     * @param environment the environment
     * @return true in a worker
     */
    static boolean isWorker(Environment environment) {
        return environment.getProperty(WORKER_PROPERTY, Boolean.class, false);
    }

    /**
     * The system properties that make a worker JVM start this application before it is ready.
     * The arguments, if any, go to a new file readable by this user only, deleted when this JVM
     * exits (see {@link #ARGS_FILE_PROPERTY}).
     *
     * @return the properties
     * @throws IllegalStateException if the file of the arguments cannot be written
     */
    Map<String, String> systemProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(SOURCES_PROPERTY, String.join(",", sources));
        p.put(PROFILES_PROPERTY, String.join(",", profiles));
        if (!args.isEmpty()) {
            p.put(ARGS_FILE_PROPERTY, writeArgs(args).toString());
        }
        return p;
    }

    /** Arguments may hold anything, commas and spaces included: NUL-separated strings, in UTF-8. */
    private static Path writeArgs(List<String> args) {
        try {
            Path file = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                    ? Files.createTempFile(
                            "background-spring-args",
                            "",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile("background-spring-args", "");
            file.toFile().deleteOnExit();
            Files.writeString(file, String.join("\0", args), StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot write the application's arguments to a file for its worker processes: " + e, e);
        }
    }

    /**
     * The application named by this JVM's system properties.
     *
     * @return the application, or null if they name none
     * @throws IllegalStateException if the file of its arguments cannot be read
     */
    static @Nullable WorkerApplication fromSystemProperties() {
        String sources = System.getProperty(SOURCES_PROPERTY);
        if (sources == null || sources.isBlank()) {
            return null;
        }
        String profiles = System.getProperty(PROFILES_PROPERTY, "");
        String argsFile = System.getProperty(ARGS_FILE_PROPERTY);
        List<String> args;
        try {
            args = argsFile == null
                    ? List.of()
                    : List.of(Files.readString(Path.of(argsFile), StandardCharsets.UTF_8)
                            .split("\0", -1));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the application's arguments from " + argsFile + ": " + e, e);
        }
        return new WorkerApplication(
                List.of(sources.split(",")), profiles.isEmpty() ? List.of() : List.of(profiles.split(",")), args);
    }

    /**
     * The worker's application context: started by the first call, in worker mode (see the class
     * comment), then the same for every call. Blocks while another thread starts it.
     *
     * @return the running context
     * @throws IllegalStateException if this JVM already runs another application, or if this
     *     one failed to start (the cause says why; a later call tries again)
     */
    ConfigurableApplicationContext context() {
        return Started.of(this);
    }

    private ConfigurableApplicationContext start() {
        ClassLoader loader = WorkerApplication.class.getClassLoader();
        Class<?>[] classes = sources.stream()
                .map(s -> ClassUtils.resolveClassName(s, loader))
                .toArray(Class<?>[]::new);
        SpringApplication app = new SpringApplication(classes);
        app.setWebApplicationType(WebApplicationType.NONE);
        // Even if the application's properties ask for a web application: a worker serves no requests.
        app.setApplicationContextFactory(
                ApplicationContextFactory.ofContextClass(AnnotationConfigApplicationContext.class));
        app.setBannerMode(Banner.Mode.OFF);
        app.setLogStartupInfo(false);
        app.setAdditionalProfiles(profiles.toArray(String[]::new));
        app.addInitializers(context -> {
            context.getEnvironment()
                    .getPropertySources()
                    .addFirst(new MapPropertySource("backgroundWorker", Map.of(WORKER_PROPERTY, "true")));
            context.addBeanFactoryPostProcessor(WorkerApplication::withoutAsyncSchedulingAndRunners);
        });
        return app.run(args.toArray(String[]::new));
    }

    /**
     * Removes the post-processors of {@code @EnableAsync} and {@code @EnableScheduling}, and the
     * application's runners, whose definitions exist once the configuration classes are read,
     * before any bean is made: a worker runs calls, not the application's start-up jobs.
     */
    private static void withoutAsyncSchedulingAndRunners(ConfigurableListableBeanFactory beanFactory) {
        if (beanFactory instanceof BeanDefinitionRegistry registry) {
            List<String> names = new ArrayList<>(List.of(
                    TaskManagementConfigUtils.ASYNC_ANNOTATION_PROCESSOR_BEAN_NAME,
                    TaskManagementConfigUtils.SCHEDULED_ANNOTATION_PROCESSOR_BEAN_NAME));
            // By the types the definitions declare: no bean, not even a factory bean, is made to tell.
            names.addAll(Arrays.asList(beanFactory.getBeanNamesForType(CommandLineRunner.class, true, false)));
            names.addAll(Arrays.asList(beanFactory.getBeanNamesForType(ApplicationRunner.class, true, false)));
            for (String name : names) {
                if (registry.containsBeanDefinition(name)) {
                    registry.removeBeanDefinition(name);
                }
            }
        }
    }

    /** The one application a worker JVM runs. */
    private static final class Started {
        private static @Nullable WorkerApplication application;
        private static @Nullable ConfigurableApplicationContext context;

        static synchronized ConfigurableApplicationContext of(WorkerApplication app) {
            ConfigurableApplicationContext c = context;
            if (c != null) {
                if (!app.equals(application)) {
                    throw new IllegalStateException("this worker runs the application " + application + ", not " + app
                            + ": a worker JVM starts one application only");
                }
                return c;
            }
            try {
                c = app.start();
            } catch (RuntimeException e) {
                throw new IllegalStateException(
                        "the application " + app.sources() + " could not start in this worker: " + e, e);
            }
            application = app;
            context = c;
            return c;
        }
    }
}

package dev.background.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableAsync;

/**
 * A Spring Boot service whose endpoint fans out slow calls with {@code @Async}. With
 * background-spring-boot-starter on the classpath, {@code @Async} methods run on background's
 * default pool (configured in application.properties) instead of Spring Boot's executor.
 */
@SpringBootApplication
@EnableAsync
public class SpringApp {

    /**
     * Starts the service.
     *
     * @param args Spring Boot's arguments, such as {@code --server.port=8081}
     */
    public static void main(String[] args) {
        SpringApplication.run(SpringApp.class, args);
    }
}

/**
 * Spring Boot auto-configuration of background. Applications depend on
 * {@code background-spring-boot-starter} and configure {@code background.*}; they may inject
 * {@link dev.background.spring.boot.autoconfigure.BackgroundPools} to reach every pool. See
 * docs/spring.md.
 */
@NullMarked
package dev.background.spring.boot.autoconfigure;

import org.jspecify.annotations.NullMarked;

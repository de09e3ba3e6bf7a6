/** An example Spring Boot service on background's starter; see docs/spring.md. */
package dev.background.examples.spring;

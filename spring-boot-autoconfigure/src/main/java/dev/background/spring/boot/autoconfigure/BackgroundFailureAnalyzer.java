package dev.background.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start-up that failed on a {@code background.*} property: which property, what is
 * wrong with its value, and what to set. Registered in {@code META-INF/spring.factories}.
 */
final class BackgroundFailureAnalyzer extends AbstractFailureAnalyzer<InvalidBackgroundPropertyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidBackgroundPropertyException cause) {
        return new FailureAnalysis(
                "Invalid background configuration: property '" + cause.property() + "': " + cause.problem(),
                cause.action(),
                cause);
    }
}

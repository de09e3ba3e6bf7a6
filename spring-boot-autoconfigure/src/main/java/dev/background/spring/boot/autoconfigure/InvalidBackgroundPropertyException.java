package dev.background.spring.boot.autoconfigure;

/**
 * A {@code background.*} property with a value the library cannot use; start-up fails with it and
 * {@link BackgroundFailureAnalyzer} turns it into Spring's "APPLICATION FAILED TO START" report.
 */
final class InvalidBackgroundPropertyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String property;
    private final String problem;
    private final String action;

    /**
     * @param property the full name of the property, such as {@code background.pools.io.n}
     * @param problem what is wrong, with the value
     * @param action what to set instead
     */
    InvalidBackgroundPropertyException(String property, String problem, String action) {
        super(property + ": " + problem);
        this.property = property;
        this.problem = problem;
        this.action = action;
    }

    String property() {
        return property;
    }

    String problem() {
        return problem;
    }

    String action() {
        return action;
    }
}

package dev.background.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Picocli converters whose messages say what was wrong and what is accepted. Picocli prefixes
 * them with the option, e.g. {@code Invalid value for option '--runs': ...}.
 */
final class Converters {
    private Converters() {}

    /** A whole number of at least 1, such as {@code --n}. */
    static class PositiveInt implements ITypeConverter<Integer> {
        private final int max;

        PositiveInt() {
            this(Integer.MAX_VALUE);
        }

        PositiveInt(int max) {
            this.max = max;
        }

        @Override
        public Integer convert(String value) {
            int n;
            try {
                n = Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw new TypeConversionException(
                        "'" + value + "' is not a whole number; use a whole number of at least 1"
                                + (max < Integer.MAX_VALUE ? " and at most " + max : ""));
            }
            if (n < 1) {
                throw new TypeConversionException(n + " is too small; use a whole number of at least 1");
            }
            if (n > max) {
                throw new TypeConversionException(n + " is too large; use at most " + max);
            }
            return n;
        }
    }

    /** {@code --runs}: every call's future and row stay in memory, so a million at most. */
    static final class Runs extends PositiveInt {
        static final int MAX = 1_000_000;

        Runs() {
            super(MAX);
        }
    }

    /** A duration of zero or more, as {@link Durations#parse} reads it. */
    static final class NonNegativeDuration implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration d;
            try {
                d = Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
            if (d.isNegative()) {
                throw new TypeConversionException(
                        "'" + value + "' is negative; use zero or more, as " + Durations.ACCEPTED);
            }
            return d;
        }
    }
}

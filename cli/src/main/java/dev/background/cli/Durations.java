package dev.background.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.Charset;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write and read them: parses {@code 500ms}, {@code 1s}, {@code 1.5s},
 * {@code 2m}, {@code 1h} and ISO-8601 ({@code PT1.5S}); formats nanoseconds the way IPython's
 * {@code %time} does ({@code 412 µs}, {@code 1.01 s}, {@code 1min 40s}). Stateless and
 * thread-safe.
 */
public final class Durations {
    /** What {@link #parse} accepts, for error messages and help. */
    public static final String ACCEPTED = "a number and a unit (500ms, 1s, 1.5s, 2m, 1h) or ISO-8601 (PT1.5S)";

    private static final Pattern HUMAN =
            Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)\\s*(ns|us|µs|ms|s|sec|m|min|h)", Pattern.CASE_INSENSITIVE);

    /** "µs" where the console can print it, else "us": a POSIX locale turns µ into '?'. */
    private static final String MICROS = canPrint('µ') ? "µs" : "us";

    private Durations() {}

    /**
     * Parses a duration.
     *
     * @param text {@link #ACCEPTED}; surrounding blanks are ignored
     * @return the duration (ISO-8601 may give a negative one; callers judge the sign)
     * @throws NullPointerException if {@code text} is null
     * @throws IllegalArgumentException naming the text and what is accepted, if it does not parse
     *     or does not fit in a {@link Duration} of nanoseconds
     */
    public static Duration parse(String text) {
        Objects.requireNonNull(text, "text");
        String t = text.strip();
        Matcher m = HUMAN.matcher(t);
        try {
            if (m.matches()) {
                BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos(m.group(2))));
                return Duration.ofNanos(nanos.setScale(0, RoundingMode.HALF_UP).longValueExact());
            }
            if (t.regionMatches(true, 0, "P", 0, 1) || t.regionMatches(true, 0, "-P", 0, 2)) {
                return Duration.parse(t);
            }
        } catch (ArithmeticException | DateTimeParseException e) {
            // falls through to the message below, which says what is accepted
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration; use " + ACCEPTED);
    }

    private static long unitNanos(String unit) {
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s", "sec" -> 1_000_000_000L;
            case "m", "min" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> throw new AssertionError(unit); // the pattern admits no other unit
        };
    }

    /**
     * Formats a duration like IPython's {@code %time}: three significant digits in the largest
     * unit under which the value is at least 1 ({@code 212 µs}, {@code 8.90 ms}, {@code 10.0 s}),
     * then minutes and seconds from one minute up ({@code 1min 40s}), hours from one hour up
     * ({@code 5h 33min 20s}).
     *
     * @param nanos the duration in nanoseconds; negative means "not measured"
     * @return the text, or {@code "n/a"} for a negative value
     */
    public static String format(long nanos) {
        if (nanos < 0) {
            return "n/a";
        }
        if (nanos < 1_000) {
            return nanos + " ns";
        }
        String[] units = {MICROS, "ms", "s"};
        double value = nanos / 1_000.0;
        for (String unit : units) {
            BigDecimal rounded = new BigDecimal(value).round(new java.math.MathContext(3));
            if (rounded.compareTo(BigDecimal.valueOf(1_000)) < 0 || unit.equals("s")) {
                if (unit.equals("s") && rounded.compareTo(BigDecimal.valueOf(60)) >= 0) {
                    break;
                }
                return threeDigits(rounded) + " " + unit;
            }
            value /= 1_000.0;
        }
        long seconds = Math.round(nanos / 1e9);
        String minutes = seconds / 60 % 60 + "min " + seconds % 60 + "s";
        return seconds < 3600 ? minutes : seconds / 3600 + "h " + minutes;
    }

    /**
     * Formats a duration (see {@link #format(long)}).
     *
     * @param d the duration
     * @return the text
     * @throws NullPointerException if {@code d} is null
     */
    public static String format(Duration d) {
        Objects.requireNonNull(d, "d");
        return format(saturatedNanos(d));
    }

    /**
     * The duration in nanoseconds, or {@link Long#MAX_VALUE} when it does not fit (292 years).
     *
     * @param d the duration
     * @return its nanoseconds, saturated
     */
    static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** 412, 41.2, 4.12: three significant digits without exponent, keeping trailing zeros (10.0). */
    private static String threeDigits(BigDecimal rounded) {
        int scale = Math.max(0, 2 - (rounded.precision() - rounded.scale() - 1));
        return rounded.setScale(scale, RoundingMode.HALF_UP).toPlainString();
    }

    private static boolean canPrint(char c) {
        String name = System.getProperty("stdout.encoding");
        try {
            Charset cs = name == null ? Charset.defaultCharset() : Charset.forName(name);
            return cs.newEncoder().canEncode(c);
        } catch (RuntimeException e) {
            return false;
        }
    }
}

package dev.background.dashboard.internal;

/**
 * A small JSON writer for the page's messages: objects and arrays nested in one
 * {@link StringBuilder}, commas placed by the writer. Its output never holds a raw line break (they
 * are escaped in strings), which server-sent events need: one message, one {@code data:} line.
 * Used by one thread at a time.
 */
final class Json {
    private final StringBuilder out = new StringBuilder(1024);
    /** Whether the next value in the current object or array needs a comma before it. */
    private boolean comma;

    Json beginObject() {
        separate();
        out.append('{');
        comma = false;
        return this;
    }

    Json endObject() {
        out.append('}');
        comma = true;
        return this;
    }

    Json beginArray() {
        separate();
        out.append('[');
        comma = false;
        return this;
    }

    Json endArray() {
        out.append(']');
        comma = true;
        return this;
    }

    /** A member's name; its value follows. */
    Json name(String name) {
        separate();
        string(name);
        out.append(':');
        comma = false;
        return this;
    }

    Json value(String value) {
        separate();
        string(value);
        comma = true;
        return this;
    }

    Json value(long value) {
        separate();
        out.append(value);
        comma = true;
        return this;
    }

    /** A number with at most three decimals; not-a-number and infinities become 0, as JSON has neither. */
    Json value(double value) {
        separate();
        if (Double.isFinite(value)) {
            out.append(Math.round(value * 1000) / 1000.0);
        } else {
            out.append(0);
        }
        comma = true;
        return this;
    }

    Json value(boolean value) {
        separate();
        out.append(value);
        comma = true;
        return this;
    }

    /** A value already written as JSON. */
    Json raw(String json) {
        separate();
        out.append(json);
        comma = true;
        return this;
    }

    Json member(String name, String value) {
        return name(name).value(value);
    }

    Json member(String name, long value) {
        return name(name).value(value);
    }

    Json member(String name, double value) {
        return name(name).value(value);
    }

    Json member(String name, boolean value) {
        return name(name).value(value);
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void separate() {
        if (comma) {
            out.append(',');
            comma = false;
        }
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                // Also escaped: the other controls, and the line separators that some readers of
                // JavaScript take for line breaks.
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}

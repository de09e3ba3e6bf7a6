package dev.background.dashboard.chrome;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict reader of JSON text (RFC 8259) into maps, lists, strings, doubles, booleans and null:
 * enough for the DevTools protocol's messages and for checking the dashboard's own. Throws
 * {@link IllegalArgumentException} at the first character that is not JSON.
 */
public final class JsonReader {
    private final String text;
    private int at;

    private JsonReader(String text) {
        this.text = text;
    }

    /**
     * Reads one JSON value that makes up the whole text.
     *
     * @param text the JSON text
     * @return the value: a {@code Map<String, Object>}, {@code List<Object>}, {@code String},
     *     {@code Double}, {@code Boolean} or null
     * @throws IllegalArgumentException if the text is not exactly one JSON value
     */
    public static Object read(String text) {
        JsonReader r = new JsonReader(text);
        Object value = r.value();
        r.blanks();
        if (r.at != text.length()) {
            throw r.error("text after the value");
        }
        return value;
    }

    /**
     * Reads a JSON object.
     *
     * @param text the text of one object
     * @return its members, in order
     * @throws IllegalArgumentException if the text is not one JSON object
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(String text) {
        if (read(text) instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new IllegalArgumentException("not a JSON object: " + text);
    }

    private Object value() {
        blanks();
        if (at >= text.length()) {
            throw error("end of text where a value should be");
        }
        char c = text.charAt(at);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", true);
            case 'f' -> literal("false", false);
            case 'n' -> literal("null", null);
            default -> number();
        };
    }

    private Map<String, Object> object() {
        Map<String, Object> map = new LinkedHashMap<>();
        at++;
        blanks();
        if (peek() == '}') {
            at++;
            return map;
        }
        while (true) {
            blanks();
            if (peek() != '"') {
                throw error("a member name should be here");
            }
            String name = string();
            blanks();
            expect(':');
            map.put(name, value());
            blanks();
            char c = next();
            if (c == '}') {
                return map;
            }
            if (c != ',') {
                throw error("',' or '}' should be here");
            }
        }
    }

    private List<Object> array() {
        List<Object> list = new ArrayList<>();
        at++;
        blanks();
        if (peek() == ']') {
            at++;
            return list;
        }
        while (true) {
            list.add(value());
            blanks();
            char c = next();
            if (c == ']') {
                return list;
            }
            if (c != ',') {
                throw error("',' or ']' should be here");
            }
        }
    }

    private String string() {
        at++;
        StringBuilder s = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return s.toString();
            }
            if (c < 0x20) {
                throw error("a raw control character in a string");
            }
            if (c != '\\') {
                s.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> s.append(e);
                case 'b' -> s.append('\b');
                case 'f' -> s.append('\f');
                case 'n' -> s.append('\n');
                case 'r' -> s.append('\r');
                case 't' -> s.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        throw error("a cut \\u escape");
                    }
                    s.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    at += 4;
                }
                default -> throw error("an unknown escape \\" + e);
            }
        }
    }

    private Object number() {
        int start = at;
        while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        String n = text.substring(start, at);
        if (!n.matches("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?")) {
            at = start;
            throw error("not a value");
        }
        return Double.parseDouble(n);
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, at)) {
            throw error("not a value");
        }
        at += word.length();
        return value;
    }

    private void expect(char c) {
        if (next() != c) {
            at--;
            throw error("'" + c + "' should be here");
        }
    }

    private char peek() {
        if (at >= text.length()) {
            throw error("end of text");
        }
        return text.charAt(at);
    }

    private char next() {
        char c = peek();
        at++;
        return c;
    }

    private void blanks() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
    }

    private IllegalArgumentException error(String what) {
        int from = Math.max(0, at - 30);
        int to = Math.min(text.length(), at + 30);
        return new IllegalArgumentException(
                "not JSON at " + at + " (" + what + "): ..." + text.substring(from, to) + "...");
    }
}

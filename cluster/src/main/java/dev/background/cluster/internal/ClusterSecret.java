package dev.background.cluster.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * A cluster's shared secret, as AES-256 keys: the current one, which seals, and optionally the
 * previous one, which still opens (key rotation: give workers the new secret with the old one as
 * previous, then the pools the new one, then drop the previous).
 *
 * <p>Read from a file (first line the current secret, an optional second line the previous one;
 * blank lines and lines starting with {@code #} are skipped) or from an environment variable
 * ({@code VAR} the current, {@code VAR_PREVIOUS} the previous); never from a command-line
 * argument, which other users of the machine can read in the process list. A key is derived from
 * its secret with HMAC-SHA256, so any string of at least {@value #MIN_CHARS} characters works;
 * {@code head -c 32 /dev/urandom | base64} makes a good one.
 *
 * <p>Immutable and thread-safe.
 */
public final class ClusterSecret {
    /** The environment variable that pools and workers read their secret from by default. */
    public static final String ENVIRONMENT = "BACKGROUND_CLUSTER_SECRET";

    static final int MIN_CHARS = 16;

    private static final String PREVIOUS_SUFFIX = "_PREVIOUS";

    /** One key: the AES key and the id that names it in sealed messages. */
    record Key(int id, SecretKeySpec aes) {}

    private final Key current;
    private final @Nullable Key previous;
    private final String source;

    private ClusterSecret(Key current, @Nullable Key previous, String source) {
        this.current = current;
        this.previous = previous;
        this.source = source;
    }

    /**
     * A secret from its text, for tests and for the readers below.
     *
     * @throws IllegalArgumentException if a secret is shorter than {@value #MIN_CHARS} characters,
     *     or the previous equals the current
     */
    static ClusterSecret of(String current, @Nullable String previous, String source) {
        Key c = derive(check(current, source));
        Key p = previous == null ? null : derive(check(previous, source + " (previous)"));
        if (p != null && p.id() == c.id()) {
            throw new IllegalArgumentException("the previous secret in " + source + " is the same as the current one");
        }
        return new ClusterSecret(c, p, source);
    }

    /**
     * Reads a secret file: its first line is the current secret, an optional second line the
     * previous one.
     *
     * @throws NullPointerException if {@code file} is null
     * @throws IllegalArgumentException if the file cannot be read, has no secret or more than two,
     *     or a secret is too short
     */
    public static ClusterSecret fromFile(Path file) {
        Objects.requireNonNull(file, "file");
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException(
                    "cannot read the cluster secret file " + file.toAbsolutePath() + ": " + e, e);
        }
        String source = "secret file " + file.toAbsolutePath();
        if (lines.isEmpty() || lines.size() > 2) {
            throw new IllegalArgumentException(source + " must hold one secret (and optionally the previous one on a"
                    + " second line); it has " + lines.size());
        }
        return of(lines.get(0), lines.size() == 2 ? lines.get(1) : null, source);
    }

    /**
     * Reads a secret from environment variable {@code name} (and the previous one from
     * {@code name_PREVIOUS}, if set).
     *
     * @param env the environment, such as {@code System.getenv()}
     * @return the secret, or null if {@code name} is not set
     * @throws IllegalArgumentException if a secret is too short
     */
    public static @Nullable ClusterSecret fromEnvironment(Map<String, String> env, String name) {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(name, "name");
        String current = env.get(name);
        if (current == null || current.isBlank()) {
            return null;
        }
        String previous = env.get(name + PREVIOUS_SUFFIX);
        return of(
                current.strip(),
                previous == null || previous.isBlank() ? null : previous.strip(),
                "environment variable " + name);
    }

    /**
     * Reads a secret from this process's environment variable {@code name}, which must be set: what
     * the builders' {@code secretEnvironment(name)} does.
     *
     * @return the secret
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if the variable is not set, or its secret is too short
     */
    public static ClusterSecret fromRequiredEnvironment(String name) {
        ClusterSecret s = fromEnvironment(System.getenv(), Objects.requireNonNull(name, "name"));
        if (s == null) {
            throw new IllegalArgumentException("environment variable " + name + " is not set");
        }
        return s;
    }

    Key current() {
        return current;
    }

    /** The key of that id, current or previous, or null. */
    @Nullable
    Key key(int id) {
        if (current.id() == id) {
            return current;
        }
        return previous != null && previous.id() == id ? previous : null;
    }

    boolean hasPrevious() {
        return previous != null;
    }

    /** Where it came from, never the secret itself. */
    @Override
    public String toString() {
        return source;
    }

    private static String check(String secret, String source) {
        Objects.requireNonNull(secret, "secret");
        if (secret.strip().length() < MIN_CHARS) {
            throw new IllegalArgumentException("the cluster secret in " + source + " is shorter than " + MIN_CHARS
                    + " characters; make one with: head -c 32 /dev/urandom | base64");
        }
        return secret.strip();
    }

    private static Key derive(String secret) {
        byte[] s = secret.getBytes(StandardCharsets.UTF_8);
        byte[] key = hmac(s, "background cluster key v1");
        byte[] id = hmac(s, "background cluster key id v1");
        return new Key(
                (id[0] & 0xff) << 24 | (id[1] & 0xff) << 16 | (id[2] & 0xff) << 8 | (id[3] & 0xff),
                new SecretKeySpec(key, "AES"));
    }

    private static byte[] hmac(byte[] key, String label) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK lacks HmacSHA256, which every JDK has", e);
        }
    }
}

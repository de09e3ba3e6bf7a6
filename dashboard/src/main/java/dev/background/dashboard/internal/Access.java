package dev.background.dashboard.internal;

import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Who may read the dashboard. Bound to a loopback address, a request must name a loopback host
 * in its {@code Host} header (a page of another site that rebinds its own name to 127.0.0.1 names
 * that site, and is refused). With a token (required off loopback), a request must carry it: in
 * the query ({@code ?token=}), in the cookie the page's first load sets, or as
 * {@code Authorization: Bearer}. Tokens are compared in constant time: both sides are hashed with
 * SHA-256 first, then compared with {@link MessageDigest#isEqual}, so neither the token's content
 * nor its length shows in the time a refusal takes. Immutable and thread-safe.
 */
public final class Access {
    /** What a request may do. */
    public enum Verdict {
        /** Serve it. */
        ALLOW,
        /** Serve it, and set the cookie: the token came in the query. */
        ALLOW_SET_COOKIE,
        /** 403: bound to loopback, but the request names another host. */
        FOREIGN_HOST,
        /** 401: no token, or a wrong one. */
        NO_TOKEN
    }

    private final byte @Nullable [] tokenHash;
    private final boolean loopback;
    private final String cookie;

    /**
     * @param token the token requests must carry, or null for none (loopback only)
     * @param loopback whether the server listens on a loopback address only
     * @param port the server's port, which names the cookie (cookies do not tell ports apart)
     */
    public Access(@Nullable String token, boolean loopback, int port) {
        this.tokenHash = token == null ? null : sha256(token);
        this.loopback = loopback;
        this.cookie = "background-dashboard-" + port;
    }

    /**
     * A new random token: 32 bytes from {@link SecureRandom}, in URL-safe Base64.
     *
     * @return the token
     */
    public static String newToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The name of the cookie that carries the token. */
    String cookieName() {
        return cookie;
    }

    /**
     * Judges a request.
     *
     * @param host its {@code Host} header, or null
     * @param rawQuery its query, not decoded, or null
     * @param cookies its {@code Cookie} headers
     * @param authorization its {@code Authorization} header, or null
     * @return the verdict
     */
    Verdict judge(
            @Nullable String host, @Nullable String rawQuery, List<String> cookies, @Nullable String authorization) {
        if (loopback && !isLoopbackHost(host)) {
            return Verdict.FOREIGN_HOST;
        }
        if (tokenHash == null) {
            return Verdict.ALLOW;
        }
        if (matches(queryToken(rawQuery))) {
            return Verdict.ALLOW_SET_COOKIE;
        }
        if (matches(cookieToken(cookies)) || matches(bearer(authorization))) {
            return Verdict.ALLOW;
        }
        return Verdict.NO_TOKEN;
    }

    private boolean matches(@Nullable String candidate) {
        return candidate != null && tokenHash != null && MessageDigest.isEqual(tokenHash, sha256(candidate));
    }

    /**
     * Whether a {@code Host} header names this machine's loopback interface: {@code localhost}, an
     * address of 127.0.0.0/8 or {@code [::1]}, with or without a port. Never resolves a name.
     */
    static boolean isLoopbackHost(@Nullable String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String h = host.strip();
        String name;
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            if (end < 0) {
                return false;
            }
            name = h.substring(1, end);
            return name.equals("::1") || name.equals("0:0:0:0:0:0:0:1");
        }
        int colon = h.indexOf(':');
        name = colon < 0 ? h : h.substring(0, colon);
        if (name.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
            return false;
        }
        try {
            // A dotted literal: parsed, never looked up.
            return InetAddress.getByName(name).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** The token in a query, decoded, or null. */
    static @Nullable String queryToken(@Nullable String rawQuery) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&", -1)) {
            if (pair.startsWith("token=")) {
                return URLDecoder.decode(pair.substring("token=".length()), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private @Nullable String cookieToken(List<String> cookies) {
        for (String header : cookies) {
            for (String c : header.split(";", -1)) {
                String kv = c.strip();
                if (kv.startsWith(cookie + "=")) {
                    return kv.substring(cookie.length() + 1);
                }
            }
        }
        return null;
    }

    private static @Nullable String bearer(@Nullable String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).strip();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}

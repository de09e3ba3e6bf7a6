package dev.background.cluster.internal;

/** A sealed message that did not open: unsealed, forged, altered, replayed, stale, or of another key. */
final class SealException extends Exception {
    private static final long serialVersionUID = 1L;

    SealException(String message) {
        super(message);
    }

    SealException(String message, Throwable cause) {
        super(message, cause);
    }
}

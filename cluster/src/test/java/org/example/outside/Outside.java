package org.example.outside;

import dev.background.function.CheckedCallable;

/** A task in a package the test workers do not allow, for the allowlist test. */
public final class Outside implements CheckedCallable<String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String call() {
        return "should never run";
    }
}

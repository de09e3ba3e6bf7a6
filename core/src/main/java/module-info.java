/**
 * background: run work in the background and get futures back.
 *
 * <p>Start at {@link dev.background.Background} (the static facade) or
 * {@link dev.background.BackgroundPool#builder()} (instances). {@code dev.background.spi} is for
 * authors of executor kinds (worker processes, clusters); {@code dev.background.internal} is not
 * exported.
 */
module dev.background {
    // Nullness annotations only: needed to compile, not to run. Transitive so that modules reading
    // this one also read the annotations its API carries.
    requires static transitive org.jspecify;

    exports dev.background;
    exports dev.background.function;
    exports dev.background.spi;
    // The remote kinds' shared dispatcher: for them only, not part of the API.
    exports dev.background.internal.remote to
            dev.background.process,
            dev.background.cluster;
}

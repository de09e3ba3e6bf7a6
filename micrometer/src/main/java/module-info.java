/**
 * background metrics with Micrometer: binds one pool, or every pool, to a
 * {@code MeterRegistry}. Start at {@link dev.background.micrometer.BackgroundMetrics}.
 */
// Micrometer ships no module descriptor (its name comes from its manifest); transitive because
// BackgroundMetrics is a MeterBinder and takes a MeterRegistry.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.background.micrometer {
    requires transitive dev.background;
    requires transitive micrometer.core;
    requires static org.jspecify;

    exports dev.background.micrometer;
}

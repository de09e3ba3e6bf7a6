/**
 * background's OpenTelemetry propagator: {@link dev.background.opentelemetry.OpenTelemetryPropagator}.
 * Installed as a service, so worker processes and cluster members with this module on their class
 * path restore the trace and baggage that travel with each task.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"
}) // OpenTelemetry's jars are automatic modules (named in their manifests)
module dev.background.opentelemetry {
    requires transitive dev.background;
    requires static io.opentelemetry.api;
    // Context is in this module's API (ContextPropagator<Context>): readers of it read Context too.
    requires static transitive io.opentelemetry.context;
    requires static org.jspecify;

    exports dev.background.opentelemetry;

    provides dev.background.context.ContextPropagator with
            dev.background.opentelemetry.OpenTelemetryPropagator;
}

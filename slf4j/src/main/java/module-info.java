/**
 * background's SLF4J MDC propagator: {@link dev.background.slf4j.MdcPropagator}. Installed as a
 * service, so worker processes and cluster members with this module on their class path restore
 * the MDC that travels with each task.
 */
module dev.background.slf4j {
    requires transitive dev.background;
    requires static org.slf4j;
    requires static org.jspecify;

    exports dev.background.slf4j;

    provides dev.background.context.ContextPropagator with
            dev.background.slf4j.MdcPropagator;
}

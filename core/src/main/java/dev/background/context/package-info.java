/**
 * Context propagation: what a task sees of its submitter's context (a request id in a
 * {@code ThreadLocal}, SLF4J's MDC, an OpenTelemetry trace).
 *
 * <p>A pool given {@link dev.background.context.ContextPropagator}s (on its builder, or
 * {@link dev.background.Background#propagate} for the default pool) captures each one's value on
 * the submitting thread when a call is submitted, restores it on the worker around the call and
 * around the task's callbacks, then puts back what the worker had. Kinds that run tasks in other
 * JVMs carry the captured values as strings ({@link dev.background.context.CarriedContext}) and
 * restore them there with the propagators installed in that JVM.
 * {@link dev.background.context.ThreadLocalPropagator} carries chosen {@code ThreadLocal}s; the
 * optional modules {@code background-slf4j} and {@code background-opentelemetry} carry the MDC and
 * the OpenTelemetry {@code Context}. See {@code docs/context.md}.
 */
@NullMarked
package dev.background.context;

import org.jspecify.annotations.NullMarked;

/** The OpenTelemetry {@code Context}, carried to background tasks: {@link dev.background.opentelemetry.OpenTelemetryPropagator}. */
@NullMarked
package dev.background.opentelemetry;

import org.jspecify.annotations.NullMarked;

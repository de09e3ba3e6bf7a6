/**
 * Micrometer metrics for background pools: {@link dev.background.micrometer.BackgroundMetrics}.
 */
@NullMarked
package dev.background.micrometer;

import org.jspecify.annotations.NullMarked;

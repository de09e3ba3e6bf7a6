/**
 * For authors of executor kinds only: the {@link dev.background.spi.Engine} that runs a pool's
 * jobs, and the {@link dev.background.spi.Job} it runs. Users never need this package; a new kind
 * is one {@link dev.background.ExecutorKind} and one {@code Engine}, and nothing else changes.
 */
package dev.background.spi;

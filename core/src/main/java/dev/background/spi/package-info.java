/**
 * For authors of executor kinds only: the {@link dev.background.spi.Engine} that runs a pool's
 * jobs, the {@link dev.background.spi.Job} it runs, and, for kinds that run jobs in other JVMs,
 * {@link dev.background.spi.SubmitSite}, which shows where a failed job was submitted, and
 * {@link dev.background.spi.BoundCall}, a wrapped function's call as the function and its
 * arguments, so that such kinds can send a function once and then only arguments. Users never
 * need this package; a new kind is one {@link dev.background.ExecutorKind} and one
 * {@code Engine}, and nothing else changes.
 */
@NullMarked
package dev.background.spi;

import org.jspecify.annotations.NullMarked;

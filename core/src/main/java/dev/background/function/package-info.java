/**
 * The function types of background: what {@code task(..)} and {@code run(..)} accept, and what
 * {@code task(..)} returns.
 *
 * <p>The {@code Checked*} types are the functions you write: 0 to 3 arguments, returning a value
 * or not, allowed to throw checked exceptions, and {@link java.io.Serializable} so that the same
 * lambda can run in a worker process or on a cluster member. The {@code Async*} types are the
 * wrapped functions that {@code task(..)} gives back: calling one submits a call and returns its
 * {@link dev.background.Task} at once. Most code never names these types; {@code var} holds them.
 */
@NullMarked
package dev.background.function;

import org.jspecify.annotations.NullMarked;

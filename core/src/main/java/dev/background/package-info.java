/**
 * Run work in the background and get futures back.
 *
 * <p>Entry points: {@link dev.background.Background} (static one-liners over a default pool),
 * {@link dev.background.BackgroundPool#builder()} (independent pools of any
 * {@link dev.background.ExecutorKind}), {@link dev.background.Task} (the future of one call) and
 * {@link dev.background.Tasks} (working with many futures at once).
 */
package dev.background;

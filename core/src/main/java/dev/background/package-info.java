/**
 * Run work in the background and get futures back.
 *
 * <p>Entry points: {@link dev.background.Background} (static one-liners over a default pool),
 * {@link dev.background.BackgroundPool#builder()} (independent pools of any
 * {@link dev.background.ExecutorKind}), {@link dev.background.Task} (the future of one call) and
 * {@link dev.background.Tasks} (working with many futures at once).
 *
 * <h2>Failures from other JVMs</h2>
 * Kinds that run tasks in other JVMs (worker processes, cluster members) fail a task's future
 * with the task's own exception, rebuilt in this JVM; if it cannot be rebuilt, with a
 * {@link dev.background.RemoteTaskException} that stands in for it. A task that cannot be sent
 * there, or whose result cannot come back, fails with a
 * {@link dev.background.TaskTransferException}.
 *
 * <p>Such a failure's stack trace shows where it happened, then where the task was submitted,
 * joined by one separator frame that names the JVM the frames above it ran on:
 * <pre>
 * java.lang.IllegalStateException: no such page
 *     at com.example.Render.page(Render.java:41)            (in the worker)
 *     at ...
 *     at ------ submitted from ------.(ran on member 10.0.0.5:5701)
 *     at com.example.Site.build(Site.java:17)               (here)
 *     at com.example.Main.main(Main.java:9)
 * </pre>
 * The frames are the exception's own, so they print wherever it does, also as the
 * {@linkplain Throwable#getCause() cause} of another exception (such as the
 * {@link dev.background.TaskException} in which {@link dev.background.Task#result()} wraps a
 * checked exception). Recording the submit site costs a stack walk per submit; a kind may offer
 * to turn it off.
 */
@NullMarked
package dev.background;

import org.jspecify.annotations.NullMarked;

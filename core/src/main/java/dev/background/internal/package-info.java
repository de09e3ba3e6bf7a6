/**
 * Implementation; not exported. {@link dev.background.internal.PoolCore} holds one pool's state,
 * {@link dev.background.internal.TaskFuture} is every task, and
 * {@link dev.background.internal.ThreadEngine} runs the in-JVM kinds.
 */
package dev.background.internal;

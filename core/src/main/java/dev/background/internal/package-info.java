/**
 * Implementation; not exported. {@link dev.background.internal.PoolCore} holds one pool's state,
 * {@link dev.background.internal.TaskFuture} is every task, and
 * {@link dev.background.internal.ThreadEngine} holds the in-JVM kinds, whose engines share
 * {@code InJvmEngine}.
 */
@NullMarked
package dev.background.internal;

import org.jspecify.annotations.NullMarked;

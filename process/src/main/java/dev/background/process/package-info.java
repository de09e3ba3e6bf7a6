/**
 * background worker processes: an executor kind whose tasks run in separate worker JVMs. Start at
 * {@link dev.background.process.ProcessKind}.
 */
@NullMarked
package dev.background.process;

import org.jspecify.annotations.NullMarked;

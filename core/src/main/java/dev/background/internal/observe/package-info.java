/**
 * What the library's own observers (the dashboard, the metrics binding) read of a task on every
 * event without the allocations of {@link dev.background.Task#timings()}. Exported only to
 * their modules; not part of the API.
 */
@NullMarked
package dev.background.internal.observe;

import org.jspecify.annotations.NullMarked;

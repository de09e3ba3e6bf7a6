/**
 * A live page of one or more pools: {@link dev.background.dashboard.Dashboard}.
 */
@NullMarked
package dev.background.dashboard;

import org.jspecify.annotations.NullMarked;

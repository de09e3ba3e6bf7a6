/**
 * Implementation of the worker processes; not exported.
 */
@NullMarked
package dev.background.process.internal;

import org.jspecify.annotations.NullMarked;

/**
 * Implementation of the cluster kind; not exported.
 */
@NullMarked
package dev.background.cluster.internal;

import org.jspecify.annotations.NullMarked;

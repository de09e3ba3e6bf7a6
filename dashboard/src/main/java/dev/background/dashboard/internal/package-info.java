/**
 * The dashboard's machinery, not exported: the bounded aggregation of task events
 * ({@code Board}), the HTTP server and its server-sent events ({@code Server}), access control
 * ({@code Access}) and the JSON the page reads ({@code Json}).
 */
@NullMarked
package dev.background.dashboard.internal;

import org.jspecify.annotations.NullMarked;

/**
 * The scheduling of remote jobs, shared by the remote kinds (worker processes, the cluster) and
 * free of their transports: {@link dev.background.internal.remote.RemoteDispatcher} and what a
 * kind supplies to it. Exported only to the remote kinds' modules; not part of the API.
 */
@NullMarked
package dev.background.internal.remote;

import org.jspecify.annotations.NullMarked;

/**
 * For libraries that build on worker processes: {@link dev.background.process.spi.WorkerInitializer}
 * prepares each worker JVM before it takes tasks. Applications do not use this package.
 */
@NullMarked
package dev.background.process.spi;

import org.jspecify.annotations.NullMarked;

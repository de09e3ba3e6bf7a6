/** SLF4J's MDC, carried to background tasks: {@link dev.background.slf4j.MdcPropagator}. */
@NullMarked
package dev.background.slf4j;

import org.jspecify.annotations.NullMarked;

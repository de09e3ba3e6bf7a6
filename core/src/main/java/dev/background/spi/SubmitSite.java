package dev.background.spi;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * For remote kinds: shows where a job was submitted on a failure that happened elsewhere, in the
 * one way every kind shows it (described in {@linkplain dev.background the package documentation
 * of dev.background}): the failure's own stack trace, then one separator frame, then the frames
 * of the submit site.
 */
public final class SubmitSite {
    /** The class name of the separator frame, as Hazelcast prints its own. */
    static final String SEPARATOR = "------ submitted from ------";

    private SubmitSite() {}

    /**
     * Appends the job's {@linkplain Job#submitSite() submit site} to {@code failure}'s stack
     * trace, after a separator frame that prints as
     * {@code at ------ submitted from ------.(ran on WHERE)}. Does nothing if the job recorded no
     * submit site, or if {@code failure}'s stack trace is not writable. Call it once per failure,
     * before settling the job with it; not thread-safe for one failure.
     *
     * @param <T> the failure's type
     * @param failure the failure, with its own (usually remote) stack trace
     * @param job the job that failed
     * @param ranOn where the frames above the separator ran, such as {@code "member 10.0.0.5:5701"}
     *     or {@code "worker pool-worker-2"}; null if they are this JVM's own
     * @return {@code failure}
     * @throws NullPointerException if {@code failure} or {@code job} is null
     */
    public static <T extends Throwable> T appendTo(T failure, Job job, @Nullable String ranOn) {
        Objects.requireNonNull(failure, "failure");
        StackTraceElement[] site = Objects.requireNonNull(job, "job").submitSite();
        if (site == null || site.length == 0) {
            return failure;
        }
        StackTraceElement[] own = failure.getStackTrace();
        StackTraceElement[] all = new StackTraceElement[own.length + 1 + site.length];
        System.arraycopy(own, 0, all, 0, own.length);
        all[own.length] = new StackTraceElement(SEPARATOR, "", ranOn == null ? null : "ran on " + ranOn, -1);
        System.arraycopy(site, 0, all, own.length + 1, site.length);
        failure.setStackTrace(all);
        return failure;
    }
}

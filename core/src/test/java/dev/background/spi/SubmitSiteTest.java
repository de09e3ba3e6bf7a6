package dev.background.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.background.TaskException;
import dev.background.function.CheckedCallable;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The one way remote kinds show where a failed task was submitted. */
class SubmitSiteTest {

    private static final StackTraceElement[] SITE = {
        new StackTraceElement("com.example.Site", "build", "Site.java", 17),
        new StackTraceElement("com.example.Main", "main", "Main.java", 9),
    };

    @Test
    void theSiteFollowsTheFailuresOwnFramesAfterOneSeparatorNamingWhereTheyRan() {
        IllegalStateException failure = new IllegalStateException("no such page");
        StackTraceElement[] own = failure.getStackTrace();

        assertThat(SubmitSite.appendTo(failure, job(SITE), "member 10.0.0.5:5701"))
                .isSameAs(failure);

        StackTraceElement[] all = failure.getStackTrace();
        assertThat(Arrays.copyOfRange(all, 0, own.length)).isEqualTo(own);
        assertThat(all[own.length]).hasToString("------ submitted from ------.(ran on member 10.0.0.5:5701)");
        assertThat(Arrays.copyOfRange(all, own.length + 1, all.length)).isEqualTo(SITE);
    }

    @Test
    void itPrintsAlsoWhereTheFailureIsTheCauseOfAnother() {
        IllegalStateException failure = SubmitSite.appendTo(new IllegalStateException("boom"), job(SITE), "worker w-1");
        StringWriter printed = new StringWriter();

        new TaskException("task 'x' failed", failure).printStackTrace(new PrintWriter(printed));

        assertThat(printed.toString())
                .containsSubsequence(
                        "Caused by: java.lang.IllegalStateException: boom",
                        "\tat ------ submitted from ------.(ran on worker w-1)",
                        "\tat com.example.Site.build(Site.java:17)");
    }

    @Test
    void withoutAPlaceTheSeparatorSaysNone() {
        Throwable failure = SubmitSite.appendTo(new RuntimeException(), job(SITE), null);

        assertThat(failure.getStackTrace())
                .contains(new StackTraceElement("------ submitted from ------", "", null, -1));
    }

    @Test
    void aJobWithoutASubmitSiteLeavesTheFailureAlone() {
        RuntimeException failure = new RuntimeException();
        StackTraceElement[] own = failure.getStackTrace();

        SubmitSite.appendTo(failure, job(null), "member m");
        SubmitSite.appendTo(failure, job(new StackTraceElement[0]), "member m");

        assertThat(failure.getStackTrace()).isEqualTo(own);
    }

    @Test
    void nullsAreRefusedByName() {
        assertThatThrownBy(() -> SubmitSite.appendTo(null, job(SITE), "m"))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("failure");
        assertThatThrownBy(() -> SubmitSite.appendTo(new RuntimeException(), null, "m"))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("job");
    }

    private static Job job(StackTraceElement[] site) {
        return new Job() {
            @Override
            public CheckedCallable<?> callable() {
                return () -> null;
            }

            @Override
            public String name() {
                return "job";
            }

            @Override
            public void run() {}

            @Override
            public boolean start(Runnable interrupter) {
                return true;
            }

            @Override
            public void succeed(Object value) {}

            @Override
            public void fail(Throwable error) {}

            @Override
            public boolean isDone() {
                return false;
            }

            @Override
            public StackTraceElement[] submitSite() {
                return site;
            }
        };
    }
}

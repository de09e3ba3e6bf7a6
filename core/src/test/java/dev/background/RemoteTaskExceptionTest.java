package dev.background;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/** The one stand-in for an exception from another JVM, as both remote kinds build and send it. */
class RemoteTaskExceptionTest {

    @Test
    void aStandInKeepsTheClassNameMessageStackAndEveryCause() {
        IllegalStateException original =
                new IllegalStateException("outer", new UncheckedIOException(new IOException("root")));

        RemoteTaskException standIn = RemoteTaskException.standInFor(original);

        assertThat(standIn.remoteClassName()).isEqualTo("java.lang.IllegalStateException");
        assertThat(standIn).hasMessage("java.lang.IllegalStateException: outer");
        assertThat(standIn.getStackTrace()).isEqualTo(original.getStackTrace());
        assertThat(standIn.getCause()).isInstanceOfSatisfying(RemoteTaskException.class, c -> {
            assertThat(c.remoteClassName()).isEqualTo("java.io.UncheckedIOException");
            assertThat(c.getStackTrace()).isEqualTo(original.getCause().getStackTrace());
        });
        assertThat(standIn.getCause().getCause())
                .isInstanceOf(RemoteTaskException.class)
                .hasMessage("java.io.IOException: root")
                .hasNoCause();
    }

    @Test
    void aMessagelessOriginalGivesJustTheClassName() {
        assertThat(RemoteTaskException.standInFor(new NullPointerException()))
                .hasMessage("java.lang.NullPointerException");
    }

    @Test
    void aStandInOfAStandInKeepsTheFirstClassNameAndMessage() {
        RemoteTaskException once = RemoteTaskException.standInFor(new ArithmeticException("/ by zero"));

        RemoteTaskException twice = RemoteTaskException.standInFor(once);

        assertThat(twice.remoteClassName()).isEqualTo("java.lang.ArithmeticException");
        assertThat(twice).hasMessage("java.lang.ArithmeticException: / by zero");
    }

    @Test
    void aCycleOfCausesEndsAndALongChainIsCut() {
        Exception a = new Exception("a");
        Exception b = new Exception("b", a);
        a.initCause(b);
        Throwable deep = new Exception("0");
        for (int i = 1; i < 100; i++) {
            deep = new Exception(String.valueOf(i), deep);
        }

        assertThat(depth(RemoteTaskException.standInFor(a))).isEqualTo(21);
        assertThat(depth(RemoteTaskException.standInFor(deep))).isEqualTo(21);
    }

    @Test
    void itTravelsByJavaSerialisation() throws Exception {
        RemoteTaskException standIn =
                RemoteTaskException.standInFor(new IllegalStateException("x", new IOException("y")));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(standIn);
        }
        Object back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = in.readObject();
        }

        assertThat(back).isInstanceOfSatisfying(RemoteTaskException.class, r -> {
            assertThat(r.remoteClassName()).isEqualTo("java.lang.IllegalStateException");
            assertThat(r).hasMessage("java.lang.IllegalStateException: x");
            assertThat(r.getCause()).hasMessage("java.io.IOException: y");
        });
    }

    @Test
    void nullIsRefusedByName() {
        assertThatThrownBy(() -> RemoteTaskException.standInFor(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("original");
    }

    private static int depth(Throwable t) {
        int d = 0;
        for (; t != null; t = t.getCause()) {
            d++;
        }
        return d;
    }
}

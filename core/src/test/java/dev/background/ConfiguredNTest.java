package dev.background;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.background.testkit.ChildJvm;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The default pool's n from the system property {@code background.n} and the environment
 * variable {@code BACKGROUND_N} (issue 2, item 3): the parser in this JVM through the
 * package-private {@link Background#configuredN()}, the variable and the precedence in child JVMs.
 */
class ConfiguredNTest {

    @AfterEach
    void clearProperty() {
        System.clearProperty(Background.N_PROPERTY);
    }

    @Test
    void thePropertyIsReadAsAPositiveIntegerIgnoringSurroundingSpace() {
        System.setProperty(Background.N_PROPERTY, "3");
        assertThat(Background.configuredN()).isEqualTo(3);
        System.setProperty(Background.N_PROPERTY, " 40 ");
        assertThat(Background.configuredN()).isEqualTo(40);
        System.setProperty(Background.N_PROPERTY, "1");
        assertThat(Background.configuredN()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-2", "abc", "", "1.5", "99999999999"})
    void aPropertyThatIsNotAPositiveIntegerIsAnErrorNamingThePropertyAndTheValue(String value) {
        System.setProperty(Background.N_PROPERTY, value);

        assertThatThrownBy(Background::configuredN)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("background.n")
                .hasMessageContaining(value.trim());
    }

    @Test
    void withoutPropertyOrVariableNIsTheProcessorCount() {
        if (System.getenv(Background.N_ENV) == null) {
            assertThat(Background.configuredN()).isEqualTo(Runtime.getRuntime().availableProcessors());
        } else {
            assertThat(Background.configuredN())
                    .isEqualTo(Integer.parseInt(System.getenv(Background.N_ENV).trim()));
        }
    }

    /** Prints the default pool's n, or the error that its uses throw (twice: first and later uses). */
    static final class PrintN {
        public static void main(String[] args) {
            for (int use = 1; use <= 2; use++) {
                try {
                    System.out.println("n=" + Background.n());
                    return;
                } catch (IllegalArgumentException e) {
                    System.out.println("use " + use + " error: " + e.getMessage());
                }
            }
        }
    }

    @Test
    @Tag("child-jvm") // left out of mutation testing (docs/mutation.md)
    void theEnvironmentVariableSetsNAndThePropertyWinsOverIt() throws Exception {
        var patience = Duration.ofSeconds(60);

        assertThat(ChildJvm.run(PrintN.class, List.of(), Map.of("BACKGROUND_N", "5"), patience)
                        .output())
                .contains("n=5");
        assertThat(ChildJvm.run(PrintN.class, List.of("-Dbackground.n=7"), Map.of("BACKGROUND_N", "5"), patience)
                        .output())
                .contains("n=7");
    }

    /** Regression: the first use threw ExceptionInInitializerError, later ones NoClassDefFoundError. */
    @Test
    @Tag("child-jvm") // left out of mutation testing (docs/mutation.md)
    void aBadVariableMakesEveryUseOfTheDefaultPoolThrowAnIaeNamingIt() throws Exception {
        var child = ChildJvm.run(PrintN.class, List.of(), Map.of("BACKGROUND_N", "zero"), Duration.ofSeconds(60));

        assertThat(child.output())
                .contains("use 1 error: environment variable BACKGROUND_N", "'zero'")
                .contains("use 2 error: environment variable BACKGROUND_N")
                .doesNotContain("ExceptionInInitializerError", "NoClassDefFoundError");
    }
}

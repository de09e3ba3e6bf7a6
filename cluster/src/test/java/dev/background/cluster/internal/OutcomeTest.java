package dev.background.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A member's answer as the bytes it seals, written by hand and read back without Hazelcast. */
class OutcomeTest {
    @Test
    void anAnswerReadsBackAsWritten() throws SealException {
        byte[] value = "the result's bytes".getBytes(StandardCharsets.UTF_8);
        Outcome back = Outcome.fromPlain(Outcome.success(value).took(1234).toPlain());

        assertThat(back.failed()).isFalse();
        assertThat(back.declined()).isFalse();
        assertThat(back.nanos()).isEqualTo(1234);
        assertThat(back.member()).isNull();
        assertThat(back.toPlain()).isEqualTo(Outcome.success(value).took(1234).toPlain());

        Outcome none = Outcome.fromPlain(Outcome.success(null).toPlain());
        assertThat(none.toPlain()).isEqualTo(Outcome.success(null).toPlain());
        assertThat(Outcome.fromPlain(Outcome.decline().toPlain()).declined()).isTrue();
    }

    @Test
    void bytesThatDoNotReadAsAnAnswerAreRefusedNotGuessedAt() {
        byte[] plain = Outcome.success(new byte[] {1, 2, 3}).took(5).toPlain();
        for (int cut = 0; cut < plain.length; cut++) {
            byte[] shorter = Arrays.copyOf(plain, cut);
            assertThatThrownBy(() -> Outcome.fromPlain(shorter))
                    .isInstanceOf(SealException.class)
                    .hasMessageContaining("holds no answer");
        }
        byte[] longer = Arrays.copyOf(plain, plain.length + 1);
        assertThatThrownBy(() -> Outcome.fromPlain(longer)).isInstanceOf(SealException.class);
        byte[] badLength = plain.clone();
        badLength[14] = 0x7f; // the data's length, far beyond the bytes there
        assertThatThrownBy(() -> Outcome.fromPlain(badLength)).isInstanceOf(SealException.class);
        byte[] badFlag = plain.clone();
        badFlag[0] = 7;
        assertThatThrownBy(() -> Outcome.fromPlain(badFlag)).isInstanceOf(SealException.class);
    }
}

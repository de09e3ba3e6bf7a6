package dev.background.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.SerializationConfig;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
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

    @Test
    void theAnswersToCallsInARowReadBackInOrderAndOnlyWithTheirCount() throws SealException {
        Outcome answer = Outcome.ofCalls(
                List.of(
                        Outcome.success(new byte[] {1}).took(10),
                        Outcome.decline().took(-1),
                        Outcome.success(null).took(30)),
                45);

        List<Outcome> back = answer.outcomesOfCalls(null, null, 3);

        assertThat(back).extracting(Outcome::nanos).containsExactly(10L, -1L, 30L);
        assertThat(back)
                .as("held on the member for the others of the row")
                .extracting(Outcome::heldNanos)
                .containsExactly(35L, 0L, 15L);
        assertThat(back.get(1).declined()).isTrue();
        assertThatThrownBy(() -> answer.outcomesOfCalls(null, null, 2))
                .isInstanceOf(SealException.class)
                .hasMessageContaining("3 outcomes for 2 calls");
    }

    @Test
    void aSingleAnswerKeepsItsWireFormatAndTheAnswersToCallsInARowTravelAsTheirOwnType() throws SealException {
        SerializationConfig config = new SerializationConfig();
        Wire.register(config);
        SerializationService ss =
                new DefaultSerializationServiceBuilder().setConfig(config).build();
        Outcome single = Outcome.success(new byte[] {7}).took(5);
        Outcome rows = Outcome.ofCalls(List.of(Outcome.success(new byte[] {8}).took(6)), 6);

        assertThat(single.getClassId()).isEqualTo(Wire.OUTCOME); // as workers of earlier versions read it
        assertThat(rows.getClassId()).isEqualTo(Wire.OUTCOMES);
        Outcome singleBack = ss.toObject(ss.toData(single));
        Outcome rowsBack = ss.toObject(ss.toData(rows));
        assertThat(singleBack.toPlain()).isEqualTo(single.toPlain());
        assertThat(rowsBack.outcomesOfCalls(null, null, 1).get(0).toPlain())
                .isEqualTo(Outcome.success(new byte[] {8}).took(6).toPlain());
    }
}

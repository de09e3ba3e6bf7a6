package dev.background.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A pool's sealers, one per member, without Hazelcast. */
class SealersTest {
    private static final ClusterSecret SECRET = ClusterSecret.of(SealerTest.S1, null, "test");

    /**
     * Regression guard: with one sealer for all members, a task overtaken at its member by as
     * many sends to other members as the replay window holds was refused there as a replay (and
     * the member was then taken for faulty).
     */
    @Test
    void aTaskOvertakenAtItsMemberBySendsToOtherMembersIsNoReplay() throws SealException {
        Sealers pool = new Sealers("c", SECRET);
        Sealer memberA = new Sealer("c", SECRET);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();

        byte[] overtaken = pool.forMember(a).sealTask(bytes("to a, delayed"));
        for (int i = 0; i < ReplayWindow.BITS; i++) {
            pool.forMember(b).sealTask(bytes("to b"));
        }
        byte[] next = pool.forMember(a).sealTask(bytes("to a, next"));

        assertThat(memberA.openTask(next).plain()).isEqualTo(bytes("to a, next"));
        assertThat(memberA.openTask(overtaken).plain()).isEqualTo(bytes("to a, delayed"));
    }

    @Test
    void aMemberKeepsItsSealerAndItsAnswersOpenWithIt() throws SealException {
        Sealers pool = new Sealers("c", SECRET);
        Sealer member = new Sealer("c", SECRET);
        UUID a = UUID.randomUUID();
        assertThat(pool.forMember(a)).isSameAs(pool.forMember(a));
        assertThat(pool.forMember(a)).isNotSameAs(pool.forMember(UUID.randomUUID()));

        byte[] task = pool.forMember(a).sealTask(bytes("task"));
        byte[] answer = member.sealResult(bytes("answer"), member.openTask(task));

        assertThat(pool.forMember(a).openResult(answer, Sealer.nonce(task))).isEqualTo(bytes("answer"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

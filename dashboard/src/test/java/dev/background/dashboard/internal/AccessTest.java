package dev.background.dashboard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.dashboard.internal.Access.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessTest {
    private static final String TOKEN = "0123456789abcdefXYZ";

    @Test
    void onLoopbackOnlyLoopbackHostNamesAreServed() {
        Access access = new Access(null, true, 8000);
        for (String host :
                List.of("localhost", "localhost:8000", "LOCALHOST:1", "127.0.0.1:8000", "127.1.2.3", "[::1]:8000")) {
            assertThat(access.judge(host, null, List.of(), null)).as(host).isEqualTo(Verdict.ALLOW);
        }
        // What a page of another site sends after rebinding its name to 127.0.0.1, and the like.
        for (String host : List.of(
                "evil.example:8000",
                "127.0.0.1.evil.example",
                "localhost.evil.example",
                "10.0.0.5:8000",
                "[::2]:8000",
                "")) {
            assertThat(access.judge(host, null, List.of(), null)).as(host).isEqualTo(Verdict.FOREIGN_HOST);
        }
        assertThat(access.judge(null, null, List.of(), null)).isEqualTo(Verdict.FOREIGN_HOST);
    }

    @Test
    void offLoopbackAnyHostIsServedButOnlyWithTheToken() {
        Access access = new Access(TOKEN, false, 8000);
        assertThat(access.judge("dash.example:8000", null, List.of(), null)).isEqualTo(Verdict.NO_TOKEN);
        assertThat(access.judge("dash.example:8000", "token=" + TOKEN, List.of(), null))
                .isEqualTo(Verdict.ALLOW_SET_COOKIE);
        assertThat(access.judge("dash.example", "a=b&token=" + TOKEN, List.of(), null))
                .isEqualTo(Verdict.ALLOW_SET_COOKIE);
        assertThat(access.judge("h", null, List.of("x=y; background-dashboard-8000=" + TOKEN), null))
                .isEqualTo(Verdict.ALLOW);
        assertThat(access.judge("h", null, List.of(), "Bearer " + TOKEN)).isEqualTo(Verdict.ALLOW);
        assertThat(access.judge("h", null, List.of(), "bearer " + TOKEN)).isEqualTo(Verdict.ALLOW);
    }

    @Test
    void wrongTokensAreRefusedWhereverTheyCome() {
        Access access = new Access(TOKEN, false, 8000);
        String lastCharWrong = TOKEN.substring(0, TOKEN.length() - 1) + "Q";
        for (String wrong : List.of(lastCharWrong, "X" + TOKEN.substring(1), TOKEN + "0", TOKEN.substring(1), "")) {
            assertThat(access.judge("h", "token=" + wrong, List.of(), null))
                    .as(wrong)
                    .isEqualTo(Verdict.NO_TOKEN);
            assertThat(access.judge("h", null, List.of("background-dashboard-8000=" + wrong), null))
                    .isEqualTo(Verdict.NO_TOKEN);
            assertThat(access.judge("h", null, List.of(), "Bearer " + wrong)).isEqualTo(Verdict.NO_TOKEN);
        }
        // Another dashboard's cookie (another port) does not open this one.
        assertThat(access.judge("h", null, List.of("background-dashboard-9000=" + TOKEN), null))
                .isEqualTo(Verdict.NO_TOKEN);
    }

    @Test
    void aTokenOnLoopbackIsRequiredToo() {
        Access access = new Access(TOKEN, true, 8000);
        assertThat(access.judge("localhost:8000", null, List.of(), null)).isEqualTo(Verdict.NO_TOKEN);
        assertThat(access.judge("evil.example", "token=" + TOKEN, List.of(), null))
                .isEqualTo(Verdict.FOREIGN_HOST);
        assertThat(access.judge("localhost:8000", "token=" + TOKEN, List.of(), null))
                .isEqualTo(Verdict.ALLOW_SET_COOKIE);
    }

    @Test
    void generatedTokensAreLongRandomAndUrlSafe() {
        String a = Access.newToken();
        String b = Access.newToken();
        assertThat(a).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(b);
    }
}

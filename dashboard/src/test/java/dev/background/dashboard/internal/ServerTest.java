package dev.background.dashboard.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.background.dashboard.chrome.JsonReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ServerTest {
    private static final long NEVER = 3_600_000;

    /** The next data line of an event stream, or null at its end. */
    private static String nextData(BufferedReader in) throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("data: ")) {
                return line.substring(6);
            }
        }
        return null;
    }

    @Test
    void closingSendsTheFinalCountsBeforeEndingTheStreams() throws IOException {
        Board board = new Board(System::nanoTime);
        // Ticks an hour apart: only close() can send the counts below.
        Server server =
                Server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, board, List::of, NEVER);
        try (Socket socket =
                new Socket(InetAddress.getLoopbackAddress(), server.address().getPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream()
                    .write("GET /events HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertThat(JsonReader.object(nextData(in))).containsEntry("type", "hello");
            board.submitted("p", "f");
            board.started("p", "f", "w", 0);
            board.runEnded("p", "f", "w");
            board.ended("p", "f", "w", Future.State.SUCCESS, 0, 0, 1, null);
            server.close();
            Map<String, Object> last = JsonReader.object(nextData(in));
            assertThat(last).containsEntry("type", "tick");
            assertThat(last.get("state").toString()).contains("done=1.0");
            assertThat(nextData(in)).isNull();
        } finally {
            server.close();
        }
    }

    @Test
    void withoutATokenItListensOnLoopbackOnly() {
        Board board = new Board(System::nanoTime);
        assertThatThrownBy(() -> Server.start(new InetSocketAddress(0), null, board, List::of, NEVER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("loopback only");
    }
}

package dev.background.dashboard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.dashboard.chrome.JsonReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void writesWhatAStrictReaderReadsBack() {
        String tricky = "quote \" backslash \\ newline \n tab \t bell \u0007 separator \u2028 <script>";
        String json = new Json()
                .beginObject()
                .member("s", tricky)
                .member("n", 42)
                .member("d", 1.23456)
                .member("nan", Double.NaN)
                .member("b", true)
                .name("a")
                .beginArray()
                .value(1)
                .beginObject()
                .endObject()
                .beginArray()
                .endArray()
                .endArray()
                .name("raw")
                .raw("{\"x\":1}")
                .endObject()
                .toString();
        assertThat(json).doesNotContain("\n").doesNotContain("\u2028");
        Map<String, Object> read = JsonReader.object(json);
        assertThat(read)
                .containsEntry("s", tricky)
                .containsEntry("n", 42.0)
                .containsEntry("d", 1.235)
                .containsEntry("nan", 0.0)
                .containsEntry("b", true)
                .containsEntry("a", List.of(1.0, Map.of(), List.of()))
                .containsEntry("raw", Map.of("x", 1.0));
    }
}

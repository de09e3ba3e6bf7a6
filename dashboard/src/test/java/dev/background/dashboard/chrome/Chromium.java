package dev.background.dashboard.chrome;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A headless Chromium driven over the Chrome DevTools Protocol, with nothing but the JDK: the
 * browser is started with {@code --remote-debugging-port=0}, the address it prints on stderr is
 * read, and commands go over {@link java.net.http.WebSocket} as JSON. Each {@link Page} is a tab
 * attached in "flat" mode (its commands carry a session id on the browser's one socket).
 *
 * <p>The browser must be installed: {@code chromium} on the PATH (Debian's package), or the
 * program named by the environment variable {@code CHROMIUM}. Without it {@link #start()} fails
 * with a message that says how to install it: a browser test never passes without a browser.
 *
 * <p>Thread-safe: replies and events arrive on the WebSocket's thread and complete futures or
 * call the pages' listeners; commands may be sent from any thread.
 */
public final class Chromium implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration REPLY = Duration.ofSeconds(30);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Map<String, Object>>> replies = new ConcurrentHashMap<>();
    private final Map<String, Consumer<Map<String, Object>>> sessions = new ConcurrentHashMap<>();

    private Chromium(Process process, Path profile, URI endpoint) {
        this.process = process;
        this.profile = profile;
        try {
            this.socket = HttpClient.newHttpClient()
                    .newWebSocketBuilder()
                    .buildAsync(endpoint, new Listener())
                    .get(REPLY.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not connect to Chromium's DevTools at " + endpoint, e);
        }
    }

    /**
     * The browser program: {@code $CHROMIUM}, else the first of {@code chromium},
     * {@code chromium-browser}, {@code google-chrome} on the PATH.
     *
     * @return its path
     * @throws IllegalStateException with how to install it, if there is none
     */
    public static Path program() {
        String given = System.getenv("CHROMIUM");
        if (given != null && !given.isBlank()) {
            return Path.of(given);
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : path.split(File.pathSeparator, -1)) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        throw new IllegalStateException("The dashboard's browser tests need Chromium, and none was found (looked for"
                + " $CHROMIUM, then chromium, chromium-browser, google-chrome on the PATH). Install it:"
                + " apt-get install -y chromium   (.ci/run does this on a bare machine)");
    }

    /**
     * Starts a headless Chromium with a fresh profile.
     *
     * @return the browser, ready for {@link #open}
     * @throws IllegalStateException if it is not installed or does not start within a minute
     */
    public static Chromium start() {
        Path program = program();
        Path profile;
        try {
            profile = Files.createTempDirectory("background-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = List.of(
                program.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--window-size=1400,1300",
                "--user-data-dir=" + profile,
                "--remote-debugging-port=0",
                "about:blank");
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + program, e);
        }
        CompletableFuture<URI> endpoint = new CompletableFuture<>();
        StringBuilder log = new StringBuilder();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader in = new BufferedReader(
                            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = in.readLine()) != null) {
                            synchronized (log) {
                                log.append(line).append('\n');
                            }
                            int ws = line.indexOf("ws://");
                            if (line.startsWith("DevTools listening on ") && ws >= 0) {
                                endpoint.complete(URI.create(line.substring(ws).strip()));
                            }
                        }
                    } catch (IOException e) {
                        endpoint.completeExceptionally(e);
                    }
                    endpoint.completeExceptionally(new IllegalStateException("Chromium ended its output"));
                },
                "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        try {
            Chromium browser = new Chromium(process, profile, endpoint.get(START.toSeconds(), TimeUnit.SECONDS));
            return browser;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            process.destroyForcibly();
            String output;
            synchronized (log) {
                output = log.toString();
            }
            throw new IllegalStateException("Chromium did not start (" + program + "); its output:\n" + output, e);
        }
    }

    /**
     * Opens a new tab at an address and waits for its load event.
     *
     * @param url the page
     * @return the tab, recording its console errors from before the page's first script ran
     */
    public Page open(URI url) {
        String target = (String)
                send(null, "Target.createTarget", Map.of("url", "about:blank")).get("targetId");
        String session = (String) send(null, "Target.attachToTarget", Map.of("targetId", target, "flatten", true))
                .get("sessionId");
        Page page = new Page(this, session, target);
        sessions.put(session, page::event);
        page.enable();
        page.navigate(url);
        return page;
    }

    /** Sends a command and waits for its reply's {@code result}; throws on the protocol's errors. */
    @SuppressWarnings("unchecked")
    Map<String, Object> send(String session, String method, Map<String, Object> params) {
        int id = ids.incrementAndGet();
        CompletableFuture<Map<String, Object>> reply = new CompletableFuture<>();
        replies.put(id, reply);
        StringBuilder json = new StringBuilder("{\"id\":").append(id).append(",\"method\":");
        JsonWriter.string(json, method);
        if (session != null) {
            json.append(",\"sessionId\":");
            JsonWriter.string(json, session);
        }
        json.append(",\"params\":");
        JsonWriter.value(json, params);
        json.append('}');
        synchronized (socket) {
            socket.sendText(json, true).join();
        }
        Map<String, Object> message;
        try {
            message = reply.get(REPLY.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("no reply from Chromium to " + method, e);
        } finally {
            replies.remove(id);
        }
        if (message.get("error") != null) {
            throw new IllegalStateException("Chromium refused " + method + ": " + message.get("error"));
        }
        return (Map<String, Object>) message.getOrDefault("result", Map.of());
    }

    /** Ends the browser and deletes its profile. */
    @Override
    public void close() {
        socket.abort();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // A temporary directory left behind harms nobody.
        }
    }

    private void receive(String text) {
        Map<String, Object> message = JsonReader.object(text);
        Object id = message.get("id");
        if (id instanceof Double d) {
            CompletableFuture<Map<String, Object>> reply = replies.get(d.intValue());
            if (reply != null) {
                reply.complete(message);
            }
            return;
        }
        Object session = message.get("sessionId");
        if (session instanceof String s) {
            Consumer<Map<String, Object>> page = sessions.get(s);
            if (page != null) {
                page.accept(message);
            }
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder parts = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            parts.append(data);
            if (last) {
                String text = parts.toString();
                parts.setLength(0);
                receive(text);
            }
            webSocket.request(1);
            return null;
        }
    }

    /** Writes the few JSON shapes commands need: strings, numbers, booleans, maps, lists. */
    static final class JsonWriter {
        private JsonWriter() {}

        static void value(StringBuilder out, Object v) {
            if (v instanceof String s) {
                string(out, s);
            } else if (v instanceof Number || v instanceof Boolean) {
                out.append(v);
            } else if (v instanceof Map<?, ?> map) {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    string(out, (String) e.getKey());
                    out.append(':');
                    value(out, e.getValue());
                }
                out.append('}');
            } else if (v instanceof List<?> list) {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    value(out, list.get(i));
                }
                out.append(']');
            } else {
                throw new IllegalArgumentException("cannot write " + v);
            }
        }

        static void string(StringBuilder out, String s) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    out.append('\\').append(c);
                } else if (c < 0x20) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
            out.append('"');
        }
    }

    /** A tab: evaluate scripts, read what its console reported, take screenshots. */
    public static final class Page {
        private final Chromium browser;
        private final String session;
        private final String target;
        private final List<String> errors = new CopyOnWriteArrayList<>();
        private volatile CompletableFuture<Void> loaded = new CompletableFuture<>();

        Page(Chromium browser, String session, String target) {
            this.browser = browser;
            this.session = session;
            this.target = target;
        }

        void enable() {
            browser.send(session, "Runtime.enable", Map.of());
            browser.send(session, "Log.enable", Map.of());
            browser.send(session, "Page.enable", Map.of());
        }

        /**
         * Loads an address in this tab and waits for its load event.
         *
         * @param url the address
         */
        public void navigate(URI url) {
            loaded = new CompletableFuture<>();
            Map<String, Object> result = browser.send(session, "Page.navigate", Map.of("url", url.toString()));
            if (result.get("errorText") != null) {
                throw new IllegalStateException("Chromium could not load " + url + ": " + result.get("errorText"));
            }
            try {
                loaded.get(REPLY.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException(url + " did not finish loading", e);
            }
        }

        /**
         * Evaluates a JavaScript expression in the page and returns its value as JSON would
         * carry it (numbers as {@code Double}); a promise is awaited.
         *
         * @param expression the script
         * @return its value
         * @throws IllegalStateException if the script threw
         */
        @SuppressWarnings("unchecked")
        public Object evaluate(String expression) {
            Map<String, Object> result = browser.send(
                    session,
                    "Runtime.evaluate",
                    Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
            if (result.get("exceptionDetails") != null) {
                throw new IllegalStateException("the script threw: " + result.get("exceptionDetails"));
            }
            return ((Map<String, Object>) result.get("result")).get("value");
        }

        /**
         * Every error the page reported so far: console errors, uncaught exceptions, and the
         * browser's own errors about it (failed loads, refused content).
         *
         * @return the errors, oldest first
         */
        public List<String> errors() {
            return new ArrayList<>(errors);
        }

        /**
         * A screenshot of the whole page, as PNG.
         *
         * @return the image's bytes
         */
        public byte[] screenshot() {
            Map<String, Object> result = browser.send(
                    session, "Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
            return Base64.getDecoder().decode((String) result.get("data"));
        }

        /** Closes the tab. */
        public void close() {
            browser.send(null, "Target.closeTarget", Map.of("targetId", target));
        }

        @SuppressWarnings("unchecked")
        void event(Map<String, Object> message) {
            String method = (String) message.get("method");
            Map<String, Object> params = (Map<String, Object>) message.getOrDefault("params", Map.of());
            switch (method) {
                case "Page.loadEventFired" -> loaded.complete(null);
                case "Runtime.consoleAPICalled" -> {
                    String type = (String) params.get("type");
                    if (type.equals("error") || type.equals("assert")) {
                        errors.add("console." + type + ": " + params.get("args"));
                    }
                }
                case "Runtime.exceptionThrown" -> errors.add("uncaught: " + params.get("exceptionDetails"));
                case "Log.entryAdded" -> {
                    Map<String, Object> entry = (Map<String, Object>) params.get("entry");
                    if ("error".equals(entry.get("level"))) {
                        errors.add("browser: " + entry.get("text") + " (" + entry.get("url") + ")");
                    }
                }
                default -> {}
            }
        }
    }
}

package dev.background.dashboard.internal;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The dashboard's HTTP server: the page's three files, and {@code /events}, a stream of
 * server-sent events that carries the board's {@link Board#hello hello} on connection, then one
 * {@link Board#tick tick} per period.
 *
 * <p>Maintainers' overview. Threads: the JDK server's dispatcher (a daemon: started from a daemon
 * thread, it inherits that); one virtual thread per request, which for {@code /events} lives as
 * long as the page stays; one ticker thread (a daemon) that ticks the board and hands the message
 * to every connected page. The lock {@code pages} is held while the ticker ticks and hands out,
 * and while a new page takes its hello and joins: a page therefore gets every tick after its hello
 * and none twice. Each page has a queue of {@link #QUEUE} messages; a page whose queue is full
 * (it reads slower than the ticks come) is dropped, and its browser reconnects by itself
 * ({@code EventSource} does) and starts again from a hello. At most {@link #MAX_PAGES} pages at
 * once; more get 503. Memory is therefore bounded by the board's bounds times the pages' queues.
 */
public final class Server implements AutoCloseable {
    static final int MAX_PAGES = 32;
    static final int QUEUE = 16;
    private static final System.Logger LOG = System.getLogger("dev.background.dashboard");
    /** Tells a page's thread to end its stream; the board's messages are never empty. */
    private static final String END = "";

    private static final Map<String, String> FILES = Map.of(
            "/", "index.html",
            "/index.html", "index.html",
            "/dashboard.js", "dashboard.js",
            "/dashboard.css", "dashboard.css");
    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "dashboard.js", "text/javascript; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8");

    private final HttpServer http;
    private final ExecutorService handlers;
    private final ScheduledExecutorService ticker;
    private final Board board;
    private final Supplier<List<Board.PoolState>> pools;
    private final Access access;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Set<BlockingQueue<String>> pages = ConcurrentHashMap.newKeySet();
    private boolean closed;

    private Server(
            HttpServer http,
            Board board,
            Supplier<List<Board.PoolState>> pools,
            Access access,
            ExecutorService handlers,
            ScheduledExecutorService ticker) {
        this.http = http;
        this.board = board;
        this.pools = pools;
        this.access = access;
        this.handlers = handlers;
        this.ticker = ticker;
    }

    /**
     * Binds and starts the server, and ticks the board every {@code tickMillis}.
     *
     * @param address where to listen
     * @param token the token requests must carry, or null for none (loopback addresses only)
     * @param board what to show
     * @param pools the pools' states, read at each tick, on the ticker's thread
     * @param tickMillis the period of the ticks
     * @return the running server
     * @throws UncheckedIOException if the address cannot be bound
     * @throws IllegalArgumentException if {@code token} is null and the address is not a loopback one
     */
    public static Server start(
            InetSocketAddress address,
            @Nullable String token,
            Board board,
            Supplier<List<Board.PoolState>> pools,
            long tickMillis) {
        boolean loopback = address.getAddress().isLoopbackAddress();
        if (token == null && !loopback) {
            throw new IllegalArgumentException(
                    "without a token the dashboard listens on loopback only, not " + address);
        }
        HttpServer http;
        try {
            http = HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("the dashboard could not listen on " + address + ": " + e.getMessage(), e);
        }
        int port = http.getAddress().getPort();
        Access access = new Access(token, loopback, port);
        ExecutorService handlers = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("background-dashboard-http-", 0).factory());
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "background-dashboard-ticker");
            t.setDaemon(true);
            return t;
        });
        Server server = new Server(http, board, pools, access, handlers, ticker);
        http.setExecutor(handlers);
        http.createContext("/", server::handle);
        // The dispatcher thread inherits daemon status from the thread that starts the server:
        // a dashboard does not keep the JVM alive, as an idle pool does not.
        Thread starter = new Thread(http::start, "background-dashboard-start");
        starter.setDaemon(true);
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
            throw new IllegalStateException("interrupted while starting the dashboard", e);
        }
        // Its future is not needed: tick() catches what it throws, and close() shuts the ticker down.
        Future<?> unused = ticker.scheduleAtFixedRate(server::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
        return server;
    }

    /**
     * Where the server listens.
     *
     * @return its address, with the port it got
     */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    /**
     * Stops ticking, sends the pages a last tick (so that they show the final counts) and ends
     * their streams, and stops listening. Blocks until the pages' streams have ended, a second at
     * most. Idempotent.
     */
    @Override
    public void close() {
        synchronized (pages) {
            if (closed) {
                return;
            }
            tick();
            closed = true;
            for (BlockingQueue<String> page : pages) {
                if (page.remainingCapacity() == 0) {
                    page.clear();
                }
                page.offer(END);
            }
        }
        ticker.shutdownNow();
        // Waits (a second at most) for the pages' threads to write that last tick and end.
        http.stop(1);
        handlers.shutdownNow();
    }

    private void tick() {
        try {
            synchronized (pages) {
                if (closed) {
                    return;
                }
                String message = board.tick(pools.get());
                for (Iterator<BlockingQueue<String>> it = pages.iterator(); it.hasNext(); ) {
                    BlockingQueue<String> page = it.next();
                    if (!page.offer(message)) {
                        page.clear();
                        page.offer(END);
                        it.remove();
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            // A failed tick must not end the ticking (a scheduled task that throws is never run again).
            LOG.log(Level.WARNING, "a dashboard tick failed; the next one will try again", e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Headers in = exchange.getRequestHeaders();
            Access.Verdict verdict = access.judge(
                    in.getFirst("Host"),
                    exchange.getRequestURI().getRawQuery(),
                    Objects.requireNonNullElse(in.get("Cookie"), List.of()),
                    in.getFirst("Authorization"));
            Headers out = exchange.getResponseHeaders();
            out.set("Cache-Control", "no-store");
            out.set("X-Content-Type-Options", "nosniff");
            out.set("X-Frame-Options", "DENY");
            out.set("Referrer-Policy", "no-referrer");
            out.set(
                    "Content-Security-Policy",
                    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:;"
                            + " base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
            switch (verdict) {
                case FOREIGN_HOST -> {
                    text(exchange, 403, "This dashboard answers to localhost only.");
                    return;
                }
                case NO_TOKEN -> {
                    text(exchange, 401, "This dashboard needs its token: open the address it printed, with ?token=.");
                    return;
                }
                case ALLOW_SET_COOKIE ->
                    out.add(
                            "Set-Cookie",
                            access.cookieName() + "="
                                    + Access.queryToken(exchange.getRequestURI().getRawQuery())
                                    + "; Path=/; HttpOnly; SameSite=Strict");
                case ALLOW -> {}
            }
            if (!exchange.getRequestMethod().equals("GET")) {
                out.set("Allow", "GET");
                text(exchange, 405, "GET only.");
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/events")) {
                events(exchange);
                return;
            }
            String file = FILES.get(path);
            if (file == null) {
                text(exchange, 404, "Not here: the dashboard is at /.");
                return;
            }
            byte[] body = files.computeIfAbsent(file, Server::load);
            out.set("Content-Type", TYPES.get(file));
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private void events(HttpExchange exchange) throws IOException {
        BlockingQueue<String> page = new ArrayBlockingQueue<>(QUEUE);
        synchronized (pages) {
            if (closed || pages.size() >= MAX_PAGES) {
                text(exchange, 503, "Too many pages are open on this dashboard.");
                return;
            }
            page.add(board.hello());
            pages.add(page);
        }
        try {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.sendResponseHeaders(200, 0);
            OutputStream body = exchange.getResponseBody();
            while (true) {
                String message = page.take();
                if (message.isEmpty()) {
                    return;
                }
                // Json never writes a raw line break: one message, one data line.
                body.write(("data: " + message + "\n\n").getBytes(StandardCharsets.UTF_8));
                body.flush();
            }
        } catch (InterruptedException e) {
            // The server is closing.
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The page went away.
        } finally {
            pages.remove(page);
        }
    }

    private static void text(HttpExchange exchange, int status, String message) throws IOException {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static byte[] load(String file) {
        try (InputStream in = Server.class.getResourceAsStream("web/" + file)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard's file " + file + " is missing from its jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

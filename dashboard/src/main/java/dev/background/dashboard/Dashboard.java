package dev.background.dashboard;

import dev.background.BackgroundPool;
import dev.background.Registration;
import dev.background.dashboard.internal.Access;
import dev.background.dashboard.internal.Board;
import dev.background.dashboard.internal.Pools;
import dev.background.dashboard.internal.Server;
import dev.background.dashboard.internal.Watcher;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A live page of one or more pools, like Dask's dashboard: progress per function (queued,
 * running, done, failed), a task stream (each task a bar on its worker's row), throughput and
 * latency over time, the workers with their {@code n}, and recent failures with their stack
 * traces. The page updates four times a second over server-sent events.
 *
 * <pre>{@code
 * try (var pool = BackgroundPool.builder().name("render").build();
 *         var dashboard = Dashboard.builder().pool(pool).start()) {
 *     System.out.println("dashboard: " + dashboard.uri());   // http://127.0.0.1:41234/
 *     ...
 * }
 * }</pre>
 *
 * <p>It listens on the loopback address by default, so only this machine can read it. Bound to
 * any other address it requires a token, given with {@link Builder#token} or generated; its
 * {@link #uri()} carries the token, and the page's first load turns it into a cookie.
 *
 * <p>Its memory is bounded whatever the number of tasks: counts per function (at most 64
 * functions), per worker (at most 256), two minutes of throughput and latency, a sample of the
 * task stream (about 200 tasks per quarter second), the last 20 failures. Each task costs its
 * pool a few counter increments on the thread that runs it (BENCHMARKS.md has the figure).
 *
 * <p>Threads: each task's submit, start and end are counted on the pool's thread that sees them
 * (through {@link BackgroundPool#addListener}); a ticker thread aggregates the counts four times a
 * second and hands one message to each open page; a virtual thread per open page writes its
 * stream; the JDK's HTTP server dispatches requests. They are all daemons: an open dashboard does
 * not keep the JVM alive. Thread-safe; maintainers find the design atop
 * {@code dev.background.dashboard.internal.Board} and {@code Server}.
 */
public final class Dashboard implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.background.dashboard");
    /** Four times a second: smooth to the eye, and 100,000 tasks a second cost four messages. */
    private static final long TICK_MILLIS = 250;

    private final Server server;
    private final URI uri;
    private final @Nullable String token;
    private final List<Registration> registrations;

    private Dashboard(Server server, URI uri, @Nullable String token, List<Registration> registrations) {
        this.server = server;
        this.uri = uri;
        this.token = token;
        this.registrations = registrations;
    }

    /**
     * A builder for a dashboard; {@link Builder#start()} starts it.
     *
     * @return a new builder: loopback, any free port, no pools yet
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The page's address, with {@code ?token=} when the dashboard has a token: what to open in a
     * browser. On a wildcard address, the host is this machine's name.
     *
     * @return the address
     */
    public URI uri() {
        return uri;
    }

    /**
     * Where the dashboard listens: the address given to the builder, with the port it got.
     *
     * @return the socket address
     */
    public InetSocketAddress address() {
        return server.address();
    }

    /**
     * The token that requests must carry, given or generated.
     *
     * @return the token, or empty for a loopback dashboard started without one
     */
    public Optional<String> token() {
        return Optional.ofNullable(token);
    }

    /**
     * Stops the dashboard: stops watching the pools, sends the pages a last update with the
     * final counts and ends their streams (they then show that they lost the connection), and
     * stops listening. Blocks until the pages' streams have ended, a second at most. Idempotent.
     */
    @Override
    public void close() {
        registrations.forEach(Registration::remove);
        server.close();
    }

    @Override
    public String toString() {
        return "Dashboard[" + address() + "]";
    }

    /** Sets up a {@link Dashboard}. Not thread-safe; each {@link #start()} starts a new one. */
    public static final class Builder {
        private final List<BackgroundPool> pools = new ArrayList<>();
        private boolean allPools;
        private InetAddress host = InetAddress.getLoopbackAddress();
        private int port;
        private @Nullable String token;

        private Builder() {}

        /**
         * Shows this pool; call once per pool.
         *
         * @param pool a pool to show
         * @return this builder
         * @throws NullPointerException if {@code pool} is null
         */
        public Builder pool(BackgroundPool pool) {
            pools.add(Objects.requireNonNull(pool, "pool"));
            return this;
        }

        /**
         * Shows every pool of this JVM: those that exist when the dashboard starts and those built
         * while it runs. A pool that terminates leaves the list of pools (its functions' counts
         * stay on the page).
         *
         * @return this builder
         */
        public Builder allPools() {
            this.allPools = true;
            return this;
        }

        /**
         * Listens on this address instead of the loopback one: a dashboard bound to any other
         * address than loopback requires a token ({@link #token}, or a generated one).
         *
         * @param host an address of this machine, such as {@code "0.0.0.0"} for every interface;
         *     names are resolved now
         * @return this builder
         * @throws NullPointerException if {@code host} is null
         * @throws IllegalArgumentException if {@code host} is blank or cannot be resolved
         */
        public Builder host(String host) {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host must not be blank");
            }
            try {
                this.host = InetAddress.getByName(host.strip());
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("host '" + host + "' cannot be resolved", e);
            }
            return this;
        }

        /**
         * Listens on this port.
         *
         * @param port 1 to 65535, or 0 (the default) for any free port
         * @return this builder
         * @throws IllegalArgumentException if {@code port} is outside 0 to 65535
         */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, not " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Requires this token of every request, on any address. Without one, a dashboard bound
         * to a loopback address requires none, and one bound to another address generates one.
         *
         * @param token at least 16 characters among {@code A-Z a-z 0-9 - _ . ~} (they travel in
         *     URLs and cookies as they are)
         * @return this builder
         * @throws NullPointerException if {@code token} is null
         * @throws IllegalArgumentException if {@code token} is shorter or holds other characters
         */
        public Builder token(String token) {
            Objects.requireNonNull(token, "token");
            if (!token.matches("[A-Za-z0-9._~-]{16,}")) {
                throw new IllegalArgumentException(
                        "a dashboard token needs at least 16 characters among A-Z a-z 0-9 - _ . ~");
            }
            this.token = token;
            return this;
        }

        /**
         * Starts the dashboard: binds, and watches the pools from now on. When it generates a
         * token, it logs the page's address with it (logger {@code dev.background.dashboard},
         * level INFO), and {@link Dashboard#uri()} returns it too.
         *
         * @return the running dashboard
         * @throws IllegalStateException if neither a pool nor {@link #allPools()} was given
         * @throws UncheckedIOException if the address cannot be bound (the port is taken)
         */
        public Dashboard start() {
            if (pools.isEmpty() && !allPools) {
                throw new IllegalStateException("a dashboard needs pools: call pool(...) or allPools() first");
            }
            boolean loopback = host.isLoopbackAddress();
            String given = token;
            String used = given == null && !loopback ? Access.newToken() : given;
            Pools shown = new Pools(pools);
            Board board = new Board(Watcher::now);
            Server server = Server.start(new InetSocketAddress(host, port), used, board, shown::states, TICK_MILLIS);
            Watcher watcher = new Watcher(board, shown::announced);
            List<Registration> registrations = new ArrayList<>();
            for (BackgroundPool pool : new LinkedHashSet<>(pools)) {
                registrations.add(pool.addListener(watcher));
            }
            if (allPools) {
                registrations.add(BackgroundPool.addListenerToAllPools(watcher));
            }
            URI uri = uri(server.address(), used);
            if (given == null && used != null) {
                LOG.log(
                        Level.INFO,
                        "background dashboard at " + uri + " (a token was generated: the address is not loopback)");
            }
            return new Dashboard(server, uri, used, List.copyOf(registrations));
        }

        private static URI uri(InetSocketAddress address, @Nullable String token) {
            InetAddress a = address.getAddress();
            String host;
            if (a.isAnyLocalAddress()) {
                try {
                    host = InetAddress.getLocalHost().getHostName();
                } catch (UnknownHostException e) {
                    host = "localhost";
                }
            } else {
                host = a.getHostAddress();
                if (host.contains(":")) {
                    host = "[" + host + "]";
                }
            }
            return URI.create(
                    "http://" + host + ":" + address.getPort() + "/" + (token == null ? "" : "?token=" + token));
        }
    }
}

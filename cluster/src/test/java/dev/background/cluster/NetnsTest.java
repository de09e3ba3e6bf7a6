package dev.background.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.cluster.internal.WorkerMain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Beyond loopback: network namespaces that this test creates on this machine, joined by a bridge
 * in a namespace of its own (no address outside the machine, no change to the host's routing).
 * Two members with a secret in namespace M (10.200.S.1), the rightful client here in the
 * host's namespace (10.200.S.254), and an outsider without the secret in namespace O
 * (10.200.S.2): its tasks are refused before deserialisation, it never sees a result, and the
 * members keep serving. Skipped, with the reason, where namespaces cannot be created (not root,
 * no {@code ip}).
 */
class NetnsTest {
    private final String tag = "bg" + ProcessHandle.current().pid() % 100_000;
    private final int subnet = 10 + (int) (ProcessHandle.current().pid() % 200);
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    @Test
    void anOutsiderInAnotherNamespaceGetsNothingRunAndTheRightfulClientLosesNothing(@TempDir Path dir)
            throws Exception {
        String why = setUpOrWhyNot();
        assumeTrue(why == null, () -> "network namespaces unavailable: " + why);
        try {
            String ip = "10.200." + subnet + ".1";
            String members = ip + ":5701," + ip + ":5702";
            String cluster = "netns-" + tag;
            Path secret = Files.writeString(dir.resolve("secret"), "the netns test's cluster secret\n");
            Path marks = Files.createDirectories(dir.resolve("marks"));
            marks.toFile().setWritable(true, false);
            List<Process> workers = List.of(
                    worker(cluster, members, ip, 5701, secret, dir), worker(cluster, members, ip, 5702, secret, dir));
            for (int i = 0; i < workers.size(); i++) {
                awaitReady(workers.get(i), dir.resolve("worker-" + (5701 + i) + ".log"));
            }

            try (BackgroundPool pool = BackgroundPool.builder()
                    .kind(ClusterKind.builder()
                            .clusterName(cluster)
                            .members(members)
                            .secretFile(secret)
                            .connectTimeout(Duration.ofSeconds(60))
                            .hazelcastLogging("none")
                            .build())
                    .n(2)
                    .build()) {
                var pid = pool.task((Integer i) -> ProcessHandle.current().pid());
                List<Task<Long>> before =
                        IntStream.range(0, 200).mapToObj(pid::apply).toList();

                Path outsiderLog = dir.resolve("outsider.log");
                Process outsider = inNamespace(
                                "o", javaCommand(OutsiderMain.class.getName(), cluster, ip + ":5701", marks.toString()))
                        .redirectErrorStream(true)
                        .redirectOutput(outsiderLog.toFile())
                        .start();
                processes.add(outsider);
                List<Task<Long>> during =
                        IntStream.range(0, 200).mapToObj(pid::apply).toList();
                assertThat(outsider.waitFor(3, TimeUnit.MINUTES)).isTrue();
                String said = Files.readString(outsiderLog);

                assertThat(said)
                        .contains("pool: dev.background.TaskTransferException")
                        .contains("not sealed");
                assertThat(said).doesNotContain("result").contains("raw: ").contains("REJECTED");
                assertThat(marks.resolve("task-ran")).doesNotExist();
                assertThat(marks.resolve("gadget")).doesNotExist();
                Set<Long> pids = new HashSet<>();
                for (Task<Long> t : concat(before, during)) {
                    pids.add(t.result(Duration.ofMinutes(1)));
                }
                assertThat(pids)
                        .hasSize(2)
                        .doesNotContain(ProcessHandle.current().pid());
            }
        } finally {
            tearDown();
        }
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private Process worker(String cluster, String members, String ip, int port, Path secret, Path dir)
            throws IOException {
        List<String> cmd = javaCommand(
                ClusterWorker.class.getName(),
                "--cluster",
                cluster,
                "--members",
                members,
                "--bind",
                ip,
                "--port",
                String.valueOf(port),
                "--n",
                "2",
                "--secret-file",
                secret.toString(),
                "--hazelcast-logging",
                "none");
        Process p = inNamespace("m", cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("worker-" + port + ".log").toFile())
                .start();
        processes.add(p);
        return p;
    }

    private static void awaitReady(Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            String out = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            if (out.contains(WorkerMain.READY)) {
                return;
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("worker ended before it was ready:\n" + out);
            }
            try {
                p.onExit().get(100, TimeUnit.MILLISECONDS); // wakes at the worker's end
            } catch (TimeoutException stillRunning) {
                // read its log again
            }
        }
        throw new IllegalStateException("worker not ready within 2 minutes:\n" + Files.readString(log));
    }

    private static List<String> javaCommand(String main, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.addAll(ClusterWorker.jvmOptions());
        cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), main));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private ProcessBuilder inNamespace(String ns, List<String> cmd) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", tag + ns));
        all.addAll(cmd);
        return new ProcessBuilder(all);
    }

    /** Creates the namespaces and links; returns null, or why it could not. */
    private String setUpOrWhyNot() {
        if (!System.getProperty("os.name").startsWith("Linux")) {
            return "not Linux";
        }
        try {
            String hub = tag + "h";
            for (String ns : List.of("h", "m", "o")) {
                run("ip", "netns", "add", tag + ns);
                namespaces.add(tag + ns);
            }
            run("ip", "-n", hub, "link", "add", "br0", "type", "bridge");
            run("ip", "-n", hub, "link", "set", "br0", "up");
            // The host's end: this JVM is the rightful client.
            link(null, tag + "x", "254");
            link(tag + "m", tag + "mx", "1");
            link(tag + "o", tag + "ox", "2");
            for (String ns : List.of("m", "o")) {
                run("ip", "-n", tag + ns, "link", "set", "lo", "up");
            }
            return null;
        } catch (IOException | InterruptedException | IllegalStateException e) {
            tearDown();
            return e.getMessage();
        }
    }

    /** A veth pair from {@code ns} (null: the host) to the hub's bridge, with 10.200.S.{@code host}/24 on its far end. */
    private void link(String ns, String name, String host) throws IOException, InterruptedException {
        String hub = tag + "h";
        String peer = name + "p";
        run("ip", "link", "add", name, "type", "veth", "peer", "name", peer);
        run("ip", "link", "set", peer, "netns", hub);
        run("ip", "-n", hub, "link", "set", peer, "master", "br0");
        run("ip", "-n", hub, "link", "set", peer, "up");
        if (ns != null) {
            run("ip", "link", "set", name, "netns", ns);
        }
        List<String> in = ns == null ? List.of("ip") : List.of("ip", "-n", ns);
        List<String> addr = new ArrayList<>(in);
        addr.addAll(List.of("addr", "add", "10.200." + subnet + "." + host + "/24", "dev", name));
        run(addr.toArray(String[]::new));
        List<String> up = new ArrayList<>(in);
        up.addAll(List.of("link", "set", name, "up"));
        run(up.toArray(String[]::new));
    }

    private void tearDown() {
        for (Process p : processes) {
            p.destroyForcibly();
            try {
                p.waitFor(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            run("ip", "link", "del", tag + "x"); // the host's end; its peer goes with it
        } catch (IOException | InterruptedException | IllegalStateException ignored) {
            // not created, or gone with the hub
        }
        for (String ns : namespaces) {
            try {
                run("ip", "netns", "del", ns);
            } catch (IOException | InterruptedException | IllegalStateException ignored) {
                // already gone
            }
        }
        namespaces.clear();
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + out.strip());
        }
    }
}

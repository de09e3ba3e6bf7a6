package dev.background.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.cluster.ClusterWorker;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The deploy recipe's files (docs/deploy/): every worker command line in them is one that
 * {@code background worker} accepts, keeps the secret off the command line, and lets a SIGTERM
 * drain the worker. Docker and Kubernetes are not available here: the files' content is checked.
 */
class DeployRecipeTest {
    private static final Path DEPLOY = Path.of("..", "docs", "deploy");

    @Test
    void theSystemdUnitRunsAWorkerThatAcceptsItsOptionsAndDrainsOnStop(@TempDir Path dir) throws Exception {
        String unit = Files.readString(DEPLOY.resolve("background-worker.service"));
        Matcher exec =
                Pattern.compile("(?m)^ExecStart=(\\S+)((?:.*\\\\\\n)*.*)$").matcher(unit);

        assertThat(exec.find()).isTrue();
        assertThat(exec.group(1)).isEqualTo("/opt/background/bin/background-worker");
        List<String> args = words(exec.group(2).replace("\\\n", " "));
        assertThat(unit)
                .contains("KillSignal=SIGTERM")
                .containsPattern("(?m)^TimeoutStopSec=\\d+")
                .containsPattern("(?m)^User=background$")
                .contains("Restart=on-failure");
        acceptedByTheWorkerCommand(args, dir);
        assertThat(args).contains("--secret-file").doesNotContain("--trusted-network-without-secret");
    }

    @Test
    void theLauncherScriptExecsTheJarSoThePidIsTheMembers() throws Exception {
        String script = Files.readString(DEPLOY.resolve("background-worker"));

        assertThat(script).startsWith("#!/bin/sh");
        assertThat(script.replace("\\\n", " "))
                .containsPattern("(?m)^exec java .*-jar \\S+/background\\.jar worker \"\\$@\"$");
        assertThat(Files.isExecutable(DEPLOY.resolve("background-worker"))).isTrue();
    }

    @Test
    void theDockerfileRunsAsAUserWithoutASecretInTheImage(@TempDir Path dir) throws Exception {
        String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));

        assertThat(dockerfile)
                .containsPattern("(?m)^FROM eclipse-temurin:2[1-9]-jre")
                .containsPattern("(?m)^USER background$")
                .contains("ENTRYPOINT [\"/opt/background/bin/background-worker\"]")
                .doesNotContainPattern("(?m)^ENV .*SECRET");
        Matcher cmd = Pattern.compile("(?m)^CMD \\[(.*)]$").matcher(dockerfile);
        assertThat(cmd.find()).isTrue();
        List<String> args = new ArrayList<>();
        for (String quoted : cmd.group(1).split(",", -1)) {
            args.add(quoted.strip().replaceAll("^\"|\"$", ""));
        }
        acceptedByTheWorkerCommand(args, dir);
    }

    @Test
    void theKubernetesWorkersFindEachOtherDrainAndTakeTheSecretFromASecret(@TempDir Path dir) throws Exception {
        String yaml = Files.readString(DEPLOY.resolve("kubernetes.yaml"));
        List<String> args = new ArrayList<>();
        Matcher block = Pattern.compile("(?m)^ {10}args:\\n((?: {12}- .*\\n)+)").matcher(yaml);
        assertThat(block.find()).isTrue();
        for (String line : block.group(1).strip().split("\n", -1)) {
            args.add(line.strip().substring(2).replaceAll("^\"|\"$", ""));
        }

        assertThat(args).containsSubsequence("--discovery", "kubernetes");
        assertThat(args)
                .containsSubsequence(
                        "--kubernetes-service-dns", "background-workers.$(POD_NAMESPACE).svc.cluster.local");
        assertThat(yaml)
                .contains("clusterIP: None")
                .containsPattern("(?m)^  name: background-workers$")
                .containsPattern("terminationGracePeriodSeconds: [1-9]\\d{1,}")
                .containsPattern("- name: BACKGROUND_CLUSTER_SECRET\\n\\s+valueFrom:\\n\\s+secretKeyRef:")
                .contains("fieldPath: status.podIP");
        List<String> resolved = args.stream()
                .map(a -> a.replace("$(POD_IP)", "10.1.2.3").replace("$(POD_NAMESPACE)", "default"))
                .toList();
        acceptedByTheWorkerCommand(resolved, dir);
    }

    @Test
    void theJarGrantsTheOpensHazelcastAsksForSoNoChildJvmIsNeeded() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher opens = Pattern.compile("<Add-Opens>(.*)</Add-Opens>").matcher(pom);
        assertThat(opens.find()).isTrue();
        List<String> granted = List.of(opens.group(1).split(" "));

        List<String> options = ClusterWorker.jvmOptions();
        for (int i = 0; i < options.size() - 1; i++) {
            if (options.get(i).equals("--add-opens")) {
                assertThat(granted).contains(options.get(i + 1).replace("=ALL-UNNAMED", ""));
            }
        }
        assertThat(pom).contains("<Add-Exports>java.base/jdk.internal.ref</Add-Exports>");
    }

    /**
     * Parses {@code args} as {@code background worker} would, with the files it names replaced by
     * real ones, and builds the worker's configuration (starting none); a secret file stands in
     * for the secret, since a non-loopback address needs one.
     */
    private static void acceptedByTheWorkerCommand(List<String> args, Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "a secret for the recipe test\n");
        Path app = Files.createDirectories(dir.resolve("app"));
        List<String> real = new ArrayList<>(List.of("worker"));
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            real.add(a);
            if ((a.equals("--secret-file") || a.equals("--class-path")) && i + 1 < args.size()) {
                real.add((a.equals("--secret-file") ? secret : app).toString());
                i++;
            }
        }
        if (!real.contains("--secret-file")) {
            real.addAll(List.of("--secret-file", secret.toString()));
        }
        CommandLine cl = BackgroundCommand.commandLine(
                new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()), false);
        cl.parseArgs(real.toArray(String[]::new));
        WorkerCommand worker = cl.getSubcommands().get("worker").getCommand();
        assertThat(worker.builder().toString()).contains("cluster=render");
    }

    private static List<String> words(String s) {
        return List.of(s.strip().split("\\s+"));
    }
}

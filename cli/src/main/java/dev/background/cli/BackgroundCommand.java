package dev.background.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code background} command line. Each subcommand is one class listed in
 * {@code subcommands} below; {@code --help} and {@code --version} work on every one
 * ({@code --version} is given to each by {@link #commandLine}).
 *
 * <p>Exit codes: 0 on success, 2 on bad input (one line on standard error saying what was wrong
 * and what is accepted, no stack trace), 1 when a command fails while running (its error and
 * stack trace on standard error).
 */
@Command(
        name = "background",
        mixinStandardHelpOptions = true,
        description = {
            "Run work in the background and get futures back: the command line of the background" + " library.",
            "",
            "Start with: background demo",
            ""
        },
        commandListHeading = "%nCommands:%n",
        subcommands = {DemoCommand.class, WorkerCommand.class, CommandLine.HelpCommand.class})
public final class BackgroundCommand {
    /** Exit code for bad input. */
    public static final int BAD_INPUT = CommandLine.ExitCode.USAGE;

    private final boolean terminal;

    private BackgroundCommand(boolean terminal) {
        this.terminal = terminal;
    }

    /**
     * Runs the command line and exits the JVM with its exit code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        // Tablesaw logs through SLF4J; without a provider SLF4J warns on every run. Nothing here logs.
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "ERROR");
        }
        PrintWriter out = new PrintWriter(System.out, true, System.out.charset());
        PrintWriter err = new PrintWriter(System.err, true, System.err.charset());
        System.exit(commandLine(out, err, Terminal.stdoutIsTerminal()).execute(args));
    }

    /**
     * Builds the command line, for {@link #main} and tests: {@code commandLine(...).execute(args)}
     * returns the exit code.
     *
     * @param out where commands write their output
     * @param err where errors go
     * @param terminal whether {@code System.out} is a terminal, for live progress bars
     * @return the command line, ready to execute
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err, boolean terminal) {
        CommandLine cl = new CommandLine(new BackgroundCommand(terminal));
        withVersion(cl);
        // The handlers write to `err` itself: a subcommand added later has picocli's default streams.
        return cl.setOut(out)
                .setErr(err)
                .setParameterExceptionHandler((ex, args) -> badInput(ex, err))
                .setExecutionExceptionHandler((ex, cmd, parsed) -> {
                    err.println(cmd.getCommandSpec().qualifiedName() + ": failed: " + ex);
                    ex.printStackTrace(err);
                    err.flush();
                    return 1;
                });
    }

    /**
     * Gives {@code cl} and its subcommands, however deep, {@code --version}/{@code -V} printing
     * {@link Version}: picocli's standard option prints nothing on a command without a version
     * provider of its own, and the help command has no such option at all.
     */
    private static void withVersion(CommandLine cl) {
        CommandSpec spec = cl.getCommandSpec();
        spec.versionProvider(new Version());
        if (spec.findOption("--version") == null) {
            spec.addOption(OptionSpec.builder("-V", "--version")
                    .versionHelp(true)
                    .description("Print version information and exit.")
                    .build());
        }
        cl.getSubcommands().values().forEach(BackgroundCommand::withVersion);
    }

    /** Whether standard output is a terminal. */
    boolean terminal() {
        return terminal;
    }

    /** One line: what was wrong, what is accepted, where to read more. */
    private static int badInput(ParameterException ex, PrintWriter err) {
        CommandLine cmd = ex.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        String message = Objects.requireNonNullElse(ex.getMessage(), "");
        String commands = String.join(", ", cmd.getSubcommands().keySet());
        if (!commands.isEmpty() && message.startsWith("Missing required subcommand")) {
            message = "a command is needed; use one of " + commands;
        } else if (!commands.isEmpty()
                && ex instanceof UnmatchedArgumentException u
                && !u.getUnmatched().isEmpty()
                && !u.getUnmatched().get(0).startsWith("-")) {
            message = "'" + u.getUnmatched().get(0) + "' is not a command; use one of " + commands;
        } else if (ex instanceof UnmatchedArgumentException u) {
            List<String> suggestions = u.getSuggestions();
            if (!suggestions.isEmpty()) {
                message += "; did you mean " + String.join(" or ", suggestions) + "?";
            }
        }
        err.println(name + ": " + message + " (see '" + name + " --help')");
        err.flush();
        return BAD_INPUT;
    }

    /**
     * The project's version, which the build writes into {@code version.properties} beside this
     * class, and the Java that runs the command.
     */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "background " + project() + ", Java " + Runtime.version() + " (" + System.getProperty("java.home") + ")"
            };
        }

        /** The version, such as {@code 0.1.0}. */
        static String project() {
            try (InputStream in = BackgroundCommand.class.getResourceAsStream("version.properties")) {
                if (in == null) {
                    throw new IllegalStateException("version.properties is missing beside " + BackgroundCommand.class
                            + ": build the command with Maven, which writes it");
                }
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

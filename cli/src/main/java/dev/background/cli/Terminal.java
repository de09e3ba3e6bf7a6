package dev.background.cli;

import java.io.Console;

/** Whether the command's output is an interactive terminal: live progress there, plain lines elsewhere. */
final class Terminal {
    private Terminal() {}

    /**
     * Whether standard output is an interactive terminal. On JDK 22+ {@code System.console()} is
     * not null for a pipe either, so {@code Console.isTerminal()} (22+) decides when it exists.
     *
     * @return true for a terminal
     */
    @SuppressWarnings("SystemConsoleNull") // null means no terminal on JDK 21; 22+ asks isTerminal below
    static boolean stdoutIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // JDK 21: a console exists only for a terminal
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}

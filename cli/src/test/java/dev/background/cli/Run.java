package dev.background.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One run of the command line in this JVM, with its output and errors captured. */
record Run(int exitCode, String out, String err) {

    static Run of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BackgroundCommand.commandLine(new PrintWriter(out), new PrintWriter(err), false)
                .execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}

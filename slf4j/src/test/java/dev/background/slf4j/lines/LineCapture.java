package dev.background.slf4j.lines;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A logback appender keeping this JVM's formatted log lines in memory (see logback-test.xml). */
public final class LineCapture extends AppenderBase<ILoggingEvent> {
    private static final Queue<String> LINES = new ConcurrentLinkedQueue<>();
    private final PatternLayout layout = new PatternLayout();
    private String pattern = "%msg";

    public LineCapture() {}

    public void setPattern(String pattern) {
        this.pattern = pattern;
    }

    @Override
    public void start() {
        layout.setContext(getContext());
        layout.setPattern(pattern);
        layout.start();
        super.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        LINES.add(layout.doLayout(event));
    }

    /** The line logged in this JVM whose text contains {@code marker}, or a note that there is none. */
    public static String lineWith(String marker) {
        return LINES.stream().filter(l -> l.contains(marker)).findFirst().orElse("no line with " + marker);
    }
}

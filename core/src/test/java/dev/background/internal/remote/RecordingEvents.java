package dev.background.internal.remote;

import dev.background.spi.EngineEvents;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Worker events as lines ({@code "died fake test-worker-1: exit code 137"}), with a probe run at each. */
final class RecordingEvents implements EngineEvents {
    final List<String> lines = new CopyOnWriteArrayList<>();
    /** Runs as each event is reported, to see the state of things at that moment. */
    volatile Runnable probe = () -> {};

    @Override
    public void workerStarted(String worker) {
        record("started " + worker);
    }

    @Override
    public void workerDied(String worker, String detail) {
        record("died " + worker + ": " + detail);
    }

    @Override
    public void workerStopped(String worker, String detail) {
        record("stopped " + worker + ": " + detail);
    }

    @Override
    public void memberJoined(String member) {
        record("joined " + member);
    }

    @Override
    public void memberLeft(String member) {
        record("left " + member);
    }

    private void record(String line) {
        lines.add(line);
        probe.run();
    }
}

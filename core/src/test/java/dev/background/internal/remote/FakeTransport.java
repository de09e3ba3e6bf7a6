package dev.background.internal.remote;

import dev.background.internal.remote.RemoteDispatcher.Op;
import dev.background.internal.remote.RemoteDispatcher.Send;
import dev.background.spi.Job;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** Workers that exist only as records of what was sent to them, started or reported; the test plays their part. */
final class FakeTransport
        implements StartedWorkers<FakeTransport.Worker, String>, ReportedWorkers<FakeTransport.Worker, String> {

    /** One fake worker: what it was sent, and whether it was closed or killed. */
    static final class Worker {
        final String id;
        final List<Send<String>> received = new CopyOnWriteArrayList<>();
        volatile boolean closed;
        volatile @Nullable Job killedFor;

        Worker(String id) {
            this.id = id;
        }

        /** The ids of the calls sent with this op, in order. */
        List<Long> ids(Op op) {
            List<Long> ids = new ArrayList<>();
            for (Send<String> s : received) {
                if (s.op() == op) {
                    ids.add(s.id());
                }
            }
            return ids;
        }

        /** The id of the call of this job sent to this worker (last send wins). */
        long idOf(FakeJob job) {
            long id = -1;
            for (Send<String> s : received) {
                if (s.call() != null && s.call().job() == job) {
                    id = s.id();
                }
            }
            if (id < 0) {
                throw new AssertionError(job + " was never sent to " + this.id);
            }
            return id;
        }

        @Override
        public String toString() {
            return id;
        }
    }

    final List<Worker> started = new CopyOnWriteArrayList<>();
    volatile @Nullable IOException startFailure;
    final AtomicInteger terminations = new AtomicInteger();
    /** If set, every send records whether it ran holding this monitor (the dispatcher's). */
    volatile @Nullable Object lockToWatch;

    final List<Boolean> sentUnderLock = new CopyOnWriteArrayList<>();
    /** Runs when the dispatcher tells termination, to see what was settled by then. */
    volatile @Nullable Runnable onTerminated;

    @Override
    public Worker start(String id) throws IOException {
        IOException e = startFailure;
        if (e != null) {
            throw e;
        }
        Worker w = new Worker(id);
        started.add(w);
        return w;
    }

    @Override
    public void send(Worker worker, List<Send<String>> sends) {
        Object lock = lockToWatch;
        if (lock != null) {
            sentUnderLock.add(Thread.holdsLock(lock));
        }
        worker.received.addAll(sends);
    }

    @Override
    public void close(Worker worker) {
        worker.closed = true;
    }

    @Override
    public void killStuck(Worker worker, Job job) {
        worker.killedFor = job;
    }

    @Override
    public String where(Worker worker) {
        return "fake " + worker.id;
    }

    @Override
    public String exitDetail(Worker worker, int exitCode) {
        return "exit code " + exitCode;
    }

    @Override
    public RuntimeException died(Worker worker, Job job, int exitCode, int attempts) {
        return new IllegalStateException(
                worker.id + " died with exit code " + exitCode + " running " + job.name() + ", tried " + attempts);
    }

    @Override
    public RuntimeException cannotStart(Job job, Exception cause) {
        return new IllegalStateException("no worker for " + job.name() + ": " + cause.getMessage(), cause);
    }

    @Override
    public RuntimeException unavailable(Job job) {
        return new IllegalStateException("no member reachable for " + job.name());
    }

    @Override
    public void terminated() {
        terminations.incrementAndGet();
        Runnable hook = onTerminated;
        if (hook != null) {
            hook.run();
        }
    }

    Worker worker(int i) {
        return started.get(i);
    }
}

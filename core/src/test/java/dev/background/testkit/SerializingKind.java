package dev.background.testkit;

import dev.background.ExecutorKind;
import dev.background.context.CarriedContext;
import dev.background.context.ContextPropagator;
import dev.background.function.CheckedCallable;
import dev.background.spi.Engine;
import dev.background.spi.Job;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test-only executor kind that behaves like a remote one while staying in this JVM: every call,
 * result and failure is serialised and deserialised on its way, and jobs go through the remote
 * half of the SPI ({@link Job#start(Runnable)}, {@link Job#succeed}, {@link Job#fail}) instead of
 * {@link Job#run()}. Running {@link PoolContract} on it proves that the contract's tasks capture
 * only serialisable things (so it can run on worker processes and clusters), and that the pool
 * above the engine keeps its promises on that path too. Also a small reference for engine
 * authors.
 *
 * <p>Maintainers: a worker holds {@code runner} (under the dispatch's monitor) from just before
 * {@code start} until the call ends; the interrupter interrupts that thread only while it is
 * set, and the worker clears its interrupt status after unsetting it, so an interrupt never
 * reaches the next job of the same thread.
 */
public final class SerializingKind implements ExecutorKind {
    /** The one instance. */
    public static final SerializingKind INSTANCE = new SerializingKind();

    private SerializingKind() {}

    @Override
    public String name() {
        return "serializing-threads";
    }

    @Override
    public int defaultN() {
        return 2;
    }

    @Override
    public Engine open(String poolName, int n) {
        return new SerializingEngine(poolName, n);
    }

    @Override
    public boolean recordsSubmitSite() {
        return true;
    }

    /**
     * The limit, the queue and the lifecycle are those of the platform-thread engine (so that
     * {@code n} is as exact as it is there); this engine only wraps each job in a
     * {@link Dispatch}, which runs it through the remote half of the SPI.
     */
    private static final class SerializingEngine implements Engine {
        private final Engine threads;

        SerializingEngine(String poolName, int n) {
            this.threads = ExecutorKind.threads().open("serializing-" + poolName, n);
        }

        @Override
        public void execute(Job job) {
            threads.execute(new Dispatch(job));
        }

        @Override
        public void resize(int n) {
            threads.resize(n);
        }

        @Override
        public void shutdown() {
            threads.shutdown();
        }

        @Override
        public List<Job> shutdownNow() {
            List<Job> jobs = new ArrayList<>();
            for (Job d : threads.shutdownNow()) {
                jobs.add(((Dispatch) d).job);
            }
            return jobs;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return threads.awaitTermination(timeout, unit);
        }

        @Override
        public boolean isTerminated() {
            return threads.isTerminated();
        }
    }

    /** What "the worker's JVM" has installed: the propagators of this class path. */
    private static final List<ContextPropagator<?>> WORKER_PROPAGATORS =
            ContextPropagator.installed(SerializingKind.class.getClassLoader());

    /** A job as the inner engine sees it: its {@code run()} goes through the remote half of the SPI. */
    private static final class Dispatch implements Job {
        final Job job;
        private Thread runner;

        Dispatch(Job job) {
            this.job = job;
        }

        @Override
        public CheckedCallable<?> callable() {
            return job.callable();
        }

        @Override
        public String name() {
            return job.name();
        }

        @Override
        public boolean start(Runnable interrupter) {
            return job.start(interrupter);
        }

        @Override
        public void succeed(Object value) {
            job.succeed(value);
        }

        @Override
        public void fail(Throwable error) {
            job.fail(error);
        }

        @Override
        public boolean isDone() {
            return job.isDone();
        }

        @Override
        public void run() {
            byte[] call;
            CarriedContext context;
            try {
                call = serialize(job.callable());
                context = job.carriedContext();
                if (context != null) { // as strings on the wire, rebuilt on the far side
                    context = CarriedContext.of(new HashMap<>(context.entries()));
                }
            } catch (IOException | RuntimeException e) {
                job.fail(e);
                return;
            }
            Thread self = Thread.currentThread();
            synchronized (this) {
                runner = self;
            }
            String oldName = self.getName();
            try {
                if (!job.start(this::interrupt)) {
                    return;
                }
                self.setName(oldName + "/" + job.name());
                Object result;
                ContextPropagator.Scope scope = null;
                try {
                    if (context != null) {
                        scope = context.restore(WORKER_PROPAGATORS);
                    }
                    result = ((CheckedCallable<?>) deserialize(call)).call();
                } catch (Throwable t) {
                    job.fail(roundTrip(t));
                    return;
                } finally {
                    if (scope != null) {
                        scope.close();
                    }
                }
                try {
                    job.succeed(deserialize(serialize(result)));
                } catch (IOException | ClassNotFoundException e) {
                    job.fail(e);
                }
            } finally {
                self.setName(oldName);
                synchronized (this) {
                    runner = null;
                }
                Thread.interrupted(); // an interrupt meant for this job only
            }
        }

        private synchronized void interrupt() {
            if (runner != null) {
                runner.interrupt();
            }
        }

        private static Throwable roundTrip(Throwable t) {
            try {
                return (Throwable) deserialize(serialize(t));
            } catch (IOException | ClassNotFoundException e) {
                return new IllegalStateException("could not send the task's failure back: " + t, e);
            }
        }

        private static byte[] serialize(Object o) throws IOException {
            var bytes = new ByteArrayOutputStream();
            try (var out = new ObjectOutputStream(bytes)) {
                out.writeObject(o);
            } catch (NotSerializableException e) {
                throw new NotSerializableException(
                        "not serialisable (a task may capture only serialisable values): " + e.getMessage());
            }
            return bytes.toByteArray();
        }

        private static Object deserialize(byte[] bytes) throws IOException, ClassNotFoundException {
            try (var in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
                return in.readObject();
            }
        }
    }
}

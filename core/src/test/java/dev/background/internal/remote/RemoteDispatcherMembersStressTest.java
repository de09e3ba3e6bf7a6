package dev.background.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.internal.remote.FakeTransport.Worker;
import dev.background.internal.remote.RemoteDispatcher.Call;
import dev.background.internal.remote.RemoteDispatcher.Op;
import dev.background.internal.remote.RemoteDispatcher.Policy;
import dev.background.internal.remote.RemoteDispatcher.Send;
import dev.background.spi.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Reported workers from many threads at once: submitters, members answering on their own threads,
 * and members leaving and joining again all the while. Every job must end with its own result,
 * started once, and the dispatcher must end with nothing queued or in flight.
 */
class RemoteDispatcherMembersStressTest {
    private static final int SUBMITTERS = 4;
    private static final int PER_SUBMITTER = 2_000;

    private record Sent(Worker worker, Send<String> send) {}

    /** A transport whose sends wait in one queue for the answering threads. */
    private static final class Wire implements ReportedWorkers<Worker, String> {
        final LinkedBlockingQueue<Sent> sent = new LinkedBlockingQueue<>();

        @Override
        public void send(Worker worker, List<Send<String>> sends) {
            for (Send<String> s : sends) {
                if (s.op() == Op.RUN && s.call() != null) {
                    sent.add(new Sent(worker, s));
                }
            }
        }

        @Override
        public String where(Worker worker) {
            return worker.id;
        }

        @Override
        public RuntimeException unavailable(Job job) {
            throw new AssertionError("no member wait in this test");
        }
    }

    @Test
    void everyJobEndsOnceWithItsResultWhileMembersComeAndGo() throws Exception {
        Wire wire = new Wire();
        var d = RemoteDispatcher.reported(
                "stress", 2, Policy.members(8, 0), wire, new ManualScheduler(), new RecordingEvents());
        d.start();
        List<Worker> members = List.of(new Worker("a"), new Worker("b"), new Worker("c"));
        members.forEach(m -> d.onJoined(m, 2));

        AtomicBoolean submitting = new AtomicBoolean(true);
        List<FakeJob> jobs = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < SUBMITTERS; s++) {
            int base = s * PER_SUBMITTER;
            threads.add(Thread.ofPlatform().start(() -> {
                await(go);
                for (int i = 0; i < PER_SUBMITTER; i++) {
                    FakeJob j = new FakeJob("job" + (base + i));
                    jobs.add(j);
                    d.execute(j, "payload" + (base + i));
                }
            }));
        }
        List<Thread> answerers = new ArrayList<>();
        for (int a = 0; a < 3; a++) {
            answerers.add(Thread.ofPlatform().start(() -> {
                await(go);
                try {
                    while (true) {
                        Sent s = wire.sent.poll(100, TimeUnit.MILLISECONDS);
                        if (s == null) {
                            if (!submitting.get()) {
                                return;
                            }
                            continue;
                        }
                        Call<String> call = Objects.requireNonNull(s.send().call());
                        d.onOutcome(
                                s.worker(), s.send(), 1_000, () -> call.job().succeed(call.payload()));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        Thread churn = Thread.ofPlatform().start(() -> {
            await(go);
            for (int i = 0; submitting.get(); i++) {
                Worker m = members.get(i % members.size());
                d.onLeft(m);
                d.onJoined(m, 2);
            }
        });
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        for (FakeJob j : new ArrayList<>(jobs)) {
            assertThat(j.get(30, TimeUnit.SECONDS)).isEqualTo("payload" + j.name.substring(3));
        }
        submitting.set(false);
        churn.join();
        for (Thread t : answerers) {
            t.join();
        }

        assertThat(jobs).hasSize(SUBMITTERS * PER_SUBMITTER);
        assertThat(jobs).allSatisfy(j -> assertThat(j.starts).hasValue(1));
        assertThat(jobs)
                .allSatisfy(j -> assertThat(j.settlements).as("settled once").hasValue(1));
        assertThat(d.queued()).isZero();
        d.shutdown();
        assertThat(d.isTerminated()).as("nothing left in flight: %s", d).isTrue();
    }

    /**
     * Membership events on one thread (the list changes first, then the event comes, as with
     * Hazelcast) and a reconciler on another, reading the version, then the list, then handing
     * both over: once both stop, the dispatcher's members are the list's, whatever the
     * interleaving, since a list read before an event never undoes it.
     */
    @Test
    void reconcilingWithAListReadBeforeAnEventNeverUndoesTheEvent() throws Exception {
        List<Worker> all = List.of(new Worker("a"), new Worker("b"), new Worker("c"));
        for (int round = 0; round < 300; round++) {
            var d = RemoteDispatcher.reported(
                    "stress", 1, Policy.members(0, 0), new Wire(), new ManualScheduler(), new RecordingEvents());
            d.start();
            Set<Worker> truth = ConcurrentHashMap.newKeySet();
            AtomicBoolean eventsDone = new AtomicBoolean();
            CountDownLatch go = new CountDownLatch(1);
            Thread events = Thread.ofPlatform().start(() -> {
                await(go);
                for (int i = 0; i < 60; i++) {
                    Worker m = all.get(i % all.size());
                    if (truth.remove(m)) {
                        d.onLeft(m);
                    } else {
                        truth.add(m);
                        d.onJoined(m, 1);
                    }
                }
                eventsDone.set(true);
            });
            Thread reconciler = Thread.ofPlatform().start(() -> {
                await(go);
                while (!eventsDone.get()) {
                    long listedAt = d.membershipVersion();
                    Set<Worker> listed = Set.copyOf(truth);
                    for (Worker m : listed) {
                        d.onListed(m, 1, listedAt);
                    }
                    for (Worker m : d.workers()) {
                        if (!listed.contains(m)) {
                            d.onUnlisted(m, listedAt);
                        }
                    }
                }
            });
            go.countDown();
            events.join();
            reconciler.join();
            assertThat(Set.copyOf(d.workers())).as("round %d", round).isEqualTo(truth);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.function.AsyncFunction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code shutdownNow()} is exact (issue 15, item 2), checked by racing submitters against it on
 * both in-JVM kinds, with and without {@code keepResults}: every submitted call is either refused
 * at its submit ({@link RejectedExecutionException} to its caller) or handled by
 * {@code shutdownNow} (on its list if it never started, which then never happens; else it runs,
 * and is interrupted if it still runs), never both, never neither. Every way in is raced: a
 * wrapped function, a function with a per-function limit (whose calls wait at the limit), and the
 * {@code ExecutorService}'s {@code submit} and {@code execute} (whose runnable is returned as
 * given).
 */
class ShutdownNowExactTest {

    /** Calls per round at most, should the test thread get no CPU for a while. */
    private static final int MAX_CALLS = 2_000;

    /** What one submitter got: each handle (a Task, or the Runnable given to execute) by call id. */
    private static final class Submitted {
        final List<Object> accepted = new ArrayList<>();
        final List<Integer> acceptedIds = new ArrayList<>();
        final List<Integer> refusedIds = new ArrayList<>();
        final List<Runnable> refusedRunnables = new ArrayList<>();
    }

    /** A runnable given to execute: the list must hold it, not a wrapper. */
    private record Command(int id, Set<Integer> started) implements Runnable {
        @Override
        public void run() {
            started.add(id);
            ShutdownNowExactTest.maybeBlock(id);
        }
    }

    /** Every seventh call blocks until interrupted, so that shutdownNow finds calls running. */
    static void maybeBlock(int id) {
        if (id % 7 == 0) {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @ParameterizedTest(name = "{0}, keepResults({1})")
    @CsvSource({"threads, 16384", "virtual, 16384", "threads, 0", "virtual, 0"})
    void everyCallIsEitherRefusedAtItsSubmitOrHandledByShutdownNowNeverBothNeverNeither(String kind, int keep)
            throws Exception {
        int rounds = 80;
        for (int round = 0; round < rounds; round++) {
            BackgroundPool.Builder b = BackgroundPool.builder()
                    .name("exact-stop")
                    .n(2)
                    .keepResults(keep)
                    .awaitTasksAtExit(false);
            BackgroundPool pool = (kind.equals("virtual") ? b.virtualThreads() : b.threads()).build();
            Set<Integer> started = ConcurrentHashMap.newKeySet();
            AtomicInteger ids = new AtomicInteger();
            AtomicInteger acceptedCount = new AtomicInteger();
            AsyncFunction<Integer, Integer> plain = pool.task((Integer id) -> {
                started.add(id);
                maybeBlock(id);
                return id;
            });
            AsyncFunction<Integer, Integer> limited = plain.limit(1);
            List<Submitted> results = new ArrayList<>();
            List<Thread> submitters = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                Submitted mine = new Submitted();
                results.add(mine);
                submitters.add(Thread.ofPlatform().start(() -> {
                    while (true) {
                        int id = ids.getAndIncrement();
                        if (id >= MAX_CALLS) {
                            return; // shutdownNow came late this round: the check below still holds
                        }
                        Command command = new Command(id, started);
                        try {
                            Object handle = switch (id % 4) {
                                case 0 -> plain.apply(id);
                                case 1 -> limited.apply(id);
                                case 2 ->
                                    pool.submit((Callable<Integer>) () -> {
                                        started.add(id);
                                        maybeBlock(id);
                                        return id;
                                    });
                                default -> {
                                    pool.execute(command);
                                    yield command;
                                }
                            };
                            mine.accepted.add(handle);
                            mine.acceptedIds.add(id);
                            acceptedCount.incrementAndGet();
                        } catch (RejectedExecutionException e) {
                            mine.refusedIds.add(id);
                            if (id % 4 == 3) {
                                mine.refusedRunnables.add(command);
                            }
                            return;
                        }
                    }
                }));
            }
            while (acceptedCount.get() < 40) {
                Thread.onSpinWait();
            }

            List<Runnable> listed = pool.shutdownNow();

            for (Thread t : submitters) {
                t.join();
            }
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS))
                    .as("round %d: terminated", round)
                    .isTrue();
            Set<Object> onList = Collections.newSetFromMap(new IdentityHashMap<>());
            onList.addAll(listed);
            Set<Object> accepted = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Submitted r : results) {
                accepted.addAll(r.accepted);
            }
            List<String> wrong = new ArrayList<>(); // plain set look-ups: thousands of calls a round
            if (onList.size() != listed.size()) {
                wrong.add("the list holds a call twice");
            }
            for (Object l : listed) {
                if (!accepted.contains(l)) {
                    wrong.add(l + " is on the list, but its submit threw (or it is a wrapper)");
                }
            }
            for (Submitted r : results) {
                for (int i = 0; i < r.accepted.size(); i++) {
                    Object handle = r.accepted.get(i);
                    int id = r.acceptedIds.get(i);
                    boolean ran = started.contains(id);
                    if (onList.contains(handle) && ran) {
                        wrong.add("call " + id + " is on the list, yet it started");
                    } else if (onList.contains(handle) && handle instanceof Task<?> t && !t.isCancelled()) {
                        wrong.add("call " + id + " is on the list but not cancelled: " + t);
                    } else if (!onList.contains(handle) && !ran) {
                        wrong.add(
                                "call " + id + " (" + handle + ") was accepted, never started, and is not on the list");
                    }
                    if (handle instanceof Task<?> t && !t.isDone()) {
                        wrong.add("call " + id + " is still pending: " + t);
                    }
                }
                for (int id : r.refusedIds) {
                    if (started.contains(id)) {
                        wrong.add("call " + id + " was refused at its submit, yet it ran");
                    }
                }
                for (Runnable refused : r.refusedRunnables) {
                    if (onList.contains(refused)) {
                        wrong.add(refused + " is on the list, but its execute threw");
                    }
                }
            }
            assertThat(wrong)
                    .as("round %d, %d calls accepted, %d listed", round, accepted.size(), listed.size())
                    .isEmpty();
        }
    }
}

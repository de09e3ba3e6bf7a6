package dev.background.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.BackgroundPool;
import dev.background.function.AsyncFunction;
import dev.background.function.CheckedFunction;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A wrapped function goes to each worker once; each call then carries its arguments only. */
class FunctionsSentOnceTest {

    /** Counts, in the worker, how many times a function of this class was deserialised there. */
    static final class Counting implements CheckedFunction<Integer, Integer> {
        @Serial
        private static final long serialVersionUID = 1L;

        static final AtomicInteger READS = new AtomicInteger();

        @Serial
        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            READS.incrementAndGet();
        }

        @Override
        public Integer apply(Integer x) {
            return READS.get();
        }
    }

    private static BackgroundPool pool(String name) {
        return BackgroundPool.builder()
                .name(name)
                .n(1)
                .kind(ProcessKind.processes())
                .build();
    }

    @Test
    void aWorkerDeserialisesAWrappedFunctionOnceHoweverOftenItIsCalled() {
        try (var pool = pool("once")) {
            var f = pool.task(new Counting());
            int reads = 0;
            for (int i = 0; i < 50; i++) {
                reads = f.apply(i).result();
            }
            assertThat(reads)
                    .as("deserialisations of the function in the worker")
                    .isEqualTo(1);
        }
    }

    @Test
    void moreFunctionsThanAWorkerKeepsAllStillRunAndRunAgain() {
        try (var pool = pool("many")) {
            List<AsyncFunction<Integer, Integer>> fs = new ArrayList<>();
            for (int k = 0; k < 100; k++) { // more than the 64 a worker keeps
                int add = k;
                fs.add(pool.task((Integer x) -> x + add));
            }
            for (int round = 0; round < 2; round++) {
                for (int k = 0; k < fs.size(); k++) {
                    int i = round == 0 ? k : fs.size() - 1 - k; // forgotten ones come back in reverse
                    assertThat(fs.get(i).apply(1000).result()).isEqualTo(1000 + i);
                }
            }
        }
    }
}

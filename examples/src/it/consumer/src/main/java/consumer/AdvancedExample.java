package consumer;

import dev.background.Background;

/**
 * The README's advanced example: n = 40 and a callback that prints each result. {@code main}
 * returns at once; the JVM runs the hundred calls, callbacks included, before it exits.
 */
final class AdvancedExample extends ReadmeTime {
    private AdvancedExample() {}

    public static void main(String[] args) {
        Background.n(40);                                                     // background.n = 40
        Background.callback(task -> System.out.println(task.result()));      // @background.callback

        var work = Background.task((Integer i) -> { Thread.sleep(1_000); return i * i; });
        for (int i = 0; i < 100; i++) work.apply(i);                          // 100 calls, 40 at a time
    }
}

package dev.background.cluster.internal;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Refuses a sealed task seen before. Every sealed message carries a nonce made of its sender's
 * random 64-bit id and a counter that the sender increments per message, and the time it was
 * sealed. This remembers, per sender, the highest counter seen and a bitmap of the
 * {@value #BITS} counters below it (as IPsec and DTLS do), so messages may arrive somewhat out
 * of order; a counter below the bitmap is refused as too old. Messages sealed more than the
 * window away from this clock (either way) are refused, which lets a sender's state be forgotten
 * once it has been quiet for two windows: any message of it that could still be replayed is
 * then outside the window.
 *
 * <p>Maintainers: thread-safe by its monitor; the work under it is a map lookup and a few bit
 * operations. The clock is a parameter so that tests control it.
 */
final class ReplayWindow {
    static final int BITS = 1 << 16;

    private final long windowMillis;
    private final LongSupplier clock;
    private final Map<Long, Sender> senders = new HashMap<>();
    private long nextSweep;

    private static final class Sender {
        long highest;
        final long[] seen = new long[BITS / 64];
        long lastMillis;

        Sender(long counter) {
            highest = counter;
        }

        boolean test(long counter) {
            int i = (int) (counter & (BITS - 1));
            return (seen[i >>> 6] & (1L << i)) != 0;
        }

        void set(long counter) {
            int i = (int) (counter & (BITS - 1));
            seen[i >>> 6] |= 1L << i;
        }

        void clear(long counter) {
            int i = (int) (counter & (BITS - 1));
            seen[i >>> 6] &= ~(1L << i);
        }
    }

    ReplayWindow(long windowMillis, LongSupplier clock) {
        this.windowMillis = windowMillis;
        this.clock = clock;
    }

    /**
     * Records the message, or refuses it.
     *
     * @throws SealException if it was sealed outside the window, or seen before, or is older than
     *     the bitmap reaches
     */
    synchronized void accept(long sender, long counter, long sealedMillis) throws SealException {
        long now = clock.getAsLong();
        if (Math.abs(now - sealedMillis) > windowMillis) {
            throw new SealException("it was sealed " + (now - sealedMillis) + " ms ago by its sender's clock, outside"
                    + " the replay window of " + windowMillis + " ms (are the machines' clocks set?)");
        }
        sweep(now);
        Sender s = senders.get(sender);
        if (s == null) {
            s = new Sender(counter);
            senders.put(sender, s);
        } else if (counter > s.highest) {
            if (counter - s.highest >= BITS) {
                Arrays.fill(s.seen, 0);
            } else {
                for (long c = s.highest + 1; c <= counter; c++) {
                    s.clear(c);
                }
            }
            s.highest = counter;
        } else if (s.highest - counter >= BITS) {
            throw new SealException("it is older than the last " + BITS + " messages of its sender (a replay)");
        } else if (s.test(counter)) {
            throw new SealException("it was received before (a replay)");
        }
        s.set(counter);
        s.lastMillis = now;
    }

    /** How many senders are remembered. */
    synchronized int senders() {
        return senders.size();
    }

    private void sweep(long now) {
        if (now < nextSweep) {
            return;
        }
        nextSweep = now + windowMillis;
        for (Iterator<Sender> it = senders.values().iterator(); it.hasNext(); ) {
            if (now - it.next().lastMillis > 2 * windowMillis) {
                it.remove();
            }
        }
    }
}

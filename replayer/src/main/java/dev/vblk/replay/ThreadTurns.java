package dev.vblk.replay;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The order in which the threads of a strict replay of several threads may take the trace's events:
 * every event has its position among all the threads' events (its ordinal), and a thread takes its
 * next event only when every event before it has been taken, so the platform calls are answered in
 * the recorded order whatever the threads' timing.
 *
 * <p>A thread that cannot go on ends the replay for all ({@link #stop}): every thread waiting for
 * its turn, or asking for one later, gets a {@link StoppedReplay}. When every live thread waits for
 * its turn, none can come (the thread whose event is next has ended), and the replay stops too.
 */
final class ThreadTurns {

    /** Thrown into a replay thread once the replay has stopped. */
    static final class StoppedReplay extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StoppedReplay() {
            super("the replay stopped in another thread", null, false, false);
        }
    }

    private final Set<Long> awaited = new HashSet<>();
    private long next;
    private int live;
    private String stoppedBecause;
    private int stoppedBy = -1;

    /** @param threads how many threads take part; each {@link #leave leaves} when it ends */
    ThreadTurns(int threads) {
        this.live = threads;
    }

    /** Waits until the event at {@code ordinal} is the next to take. */
    synchronized void awaitTurn(long ordinal) {
        awaited.add(ordinal);
        try {
            while (stoppedBecause == null && next != ordinal) {
                if (awaited.size() == live && !awaited.contains(next)) {
                    stop(-1, "every thread of the replay waits for its turn, and the event at position " + next
                            + " among all the threads' events never comes");
                    break;
                }
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stop(-1, "a replay thread was interrupted");
                }
            }
        } finally {
            awaited.remove(ordinal);
        }
        if (stoppedBecause != null) {
            throw new StoppedReplay();
        }
    }

    /** Marks the event at {@code ordinal}, whose turn it is, taken. */
    synchronized void taken(long ordinal) {
        if (ordinal != next) {
            throw new IllegalStateException("event at position " + ordinal + " taken out of turn; next is " + next);
        }
        next++;
        notifyAll();
    }

    /** Waits for the turn of the event at {@code ordinal} and takes it. */
    void take(long ordinal) {
        awaitTurn(ordinal);
        taken(ordinal);
    }

    /** A thread ended: if every other thread waits, and none for the next event, the replay stops. */
    synchronized void leave() {
        live--;
        if (stoppedBecause == null && live > 0 && awaited.size() == live && !awaited.contains(next)) {
            stop(-1, "every thread of the replay waits for its turn, and the event at position " + next
                    + " among all the threads' events never comes");
        }
        notifyAll();
    }

    /** Stops the replay; the first stop is the one kept. */
    synchronized void stop(int thread, String why) {
        if (stoppedBecause == null) {
            stoppedBecause = why;
            stoppedBy = thread;
        }
        notifyAll();
    }

    /** The thread that stopped the replay (-1 when no single thread did), if it stopped. */
    synchronized Optional<Integer> stoppedBy() {
        return stoppedBecause == null ? Optional.empty() : Optional.of(stoppedBy);
    }

    /** Why the replay stopped, if it did. */
    synchronized Optional<String> stoppedBecause() {
        return Optional.ofNullable(stoppedBecause);
    }
}

package dev.vblk.replay;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
 * its turn, none can come (the thread whose event is next has ended), and the replay stops too. So
 * it does when no turn is taken while every thread that does not wait for one is itself blocked (on
 * a lock of the driver that a waiting thread holds, as a driver that changed since the recording may
 * take its locks otherwise): the waiting threads look at the others' states every
 * {@link #STALL_CHECK_MILLIS} ms and stop the replay after {@link #STALLED_LOOKS} looks in a row
 * that find it, which only finds such a stall and never changes what a replay that goes on does.
 */
final class ThreadTurns {

    /** Thrown into a replay thread once the replay has stopped. */
    static final class StoppedReplay extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StoppedReplay() {
            super("the replay stopped in another thread", null, false, false);
        }
    }

    /** How often a waiting thread looks for a stall. */
    static final long STALL_CHECK_MILLIS = 100;
    /** How many looks in a row must find a stall before the replay stops: half a second of it. */
    static final int STALLED_LOOKS = 5;

    private final Set<Long> awaited = new HashSet<>();
    private final Set<Thread> waiting = new HashSet<>();
    private final List<Thread> threads = new ArrayList<>();
    private long next;
    private int live;
    private String stoppedBecause;
    private int stoppedBy = -1;

    /** @param threads how many threads take part; each {@link #leave leaves} when it ends */
    ThreadTurns(int threads) {
        this.live = threads;
    }

    /** Takes part: {@code thread} is one of the replay's threads, looked at when the replay may have stalled. */
    synchronized void register(Thread thread) {
        threads.add(thread);
    }

    /** Waits until the event at {@code ordinal} is the next to take. */
    synchronized void awaitTurn(long ordinal) {
        awaited.add(ordinal);
        waiting.add(Thread.currentThread());
        try {
            long lastSeen = next;
            int stalledLooks = 0;
            while (stoppedBecause == null && next != ordinal) {
                if (awaited.size() == live && !awaited.contains(next)) {
                    stop(-1, "every thread of the replay waits for its turn, and the event at position " + next
                            + " among all the threads' events never comes");
                    break;
                }
                try {
                    wait(STALL_CHECK_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stop(-1, "a replay thread was interrupted");
                }
                Optional<String> blocked = next == lastSeen ? blockedOutside() : Optional.empty();
                stalledLooks = blocked.isPresent() ? stalledLooks + 1 : 0;
                lastSeen = next;
                if (stalledLooks >= STALLED_LOOKS && stoppedBecause == null) {
                    stop(-1, "the event at position " + next + " among all the threads' events never comes: every "
                            + "thread waits for its turn or is blocked outside the platform (" + blocked.get() + ")");
                }
            }
        } finally {
            awaited.remove(ordinal);
            waiting.remove(Thread.currentThread());
        }
        if (stoppedBecause != null) {
            throw new StoppedReplay();
        }
    }

    /**
     * The threads that neither wait for a turn nor have ended, with their states, when none of them
     * runs; empty when one does (or when there are none).
     */
    private Optional<String> blockedOutside() {
        List<String> blocked = new ArrayList<>();
        for (Thread thread : threads) {
            if (!thread.isAlive() || waiting.contains(thread)) {
                continue;
            }
            Thread.State state = thread.getState();
            if (state == Thread.State.RUNNABLE || state == Thread.State.NEW) {
                return Optional.empty();
            }
            blocked.add(thread.getName() + " " + state);
        }
        return blocked.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", blocked));
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

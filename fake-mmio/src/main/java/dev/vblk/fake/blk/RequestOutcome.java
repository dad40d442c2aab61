package dev.vblk.fake.blk;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What the fake device does with one request, as chosen by a {@link RequestHook}.
 *
 * <p>{@link Complete} covers every way of answering (normally, with another status byte, with given
 * data, with a corrupt or duplicated used element, with a jump of the used index);
 * {@link NeverComplete} leaves the request unanswered; {@link Delayed} answers later in virtual time;
 * {@link Held} waits for the hook to answer it later ({@link RequestHook#releases});
 * {@link NeedsReset} breaks the device instead of answering; {@link Rewriting} first rewrites
 * driver-written memory of the fetched chain, then answers as it says; {@link Lying} answers and then
 * tells a {@link MemoryLie}.
 */
public sealed interface RequestOutcome {

    /** Executes the request on the disk and answers it as a correct device would. */
    static Complete normal() {
        return new Complete(OptionalInt.empty(), Optional.empty(), OptionalLong.empty(), OptionalLong.empty(), 1, 0);
    }

    /** Answers with status byte {@code status} without touching the disk or data buffers. */
    static Complete status(int status) {
        return normal().withStatus(status);
    }

    /** Answers with {@code data} copied into the writable data buffers, status OK, disk untouched. */
    static Complete data(byte[] data) {
        return normal().withData(data);
    }

    /** Leaves the request unanswered: no used element, no interrupt. */
    static NeverComplete never() {
        return new NeverComplete();
    }

    /** Answers with {@code then} once {@code delayNanos} of virtual time have passed. */
    static Delayed delayed(long delayNanos, RequestOutcome then) {
        return new Delayed(delayNanos, then);
    }

    /** Keeps the request unanswered until the hook that decided it releases it ({@link RequestHook#releases}). */
    static Held held() {
        return new Held();
    }

    /** Does not answer; the device sets DEVICE_NEEDS_RESET and raises a config interrupt. */
    static NeedsReset needsReset() {
        return new NeedsReset();
    }

    /** Answers as {@code answer} says, then tells {@code lie}. */
    static Lying lying(Complete answer, MemoryLie lie) {
        return new Lying(answer, lie);
    }

    /**
     * Rewrites {@code target} of the request's chain with {@code pattern} right after fetching it, then
     * answers with {@code then}.
     */
    static Rewriting rewriting(MemoryTarget target, int pattern, RequestOutcome then) {
        return new Rewriting(target, pattern, then);
    }

    /**
     * Answers the request.
     *
     * @param status the status byte to write; when present (and {@code data} absent) the disk and the
     *     data buffers are left alone
     * @param data bytes to copy into the writable data buffers (as many as fit) instead of executing
     *     the request; the status byte is {@code status} or OK
     * @param usedId the id written into the used element instead of the head index
     * @param usedLen the len written into the used element instead of the bytes written
     * @param copies how many used elements are written for the request (2 = duplicated)
     * @param usedIdxSkip how far the used index jumps past the written elements, without writing any (on a
     *     packed ring: how many further positions are marked used without their length and id)
     */
    record Complete(
            OptionalInt status,
            Optional<byte[]> data,
            OptionalLong usedId,
            OptionalLong usedLen,
            int copies,
            int usedIdxSkip) implements RequestOutcome {

        public Complete {
            if (copies < 1) {
                throw new IllegalArgumentException("a completion writes at least one used element: " + copies);
            }
            data = data.map(byte[]::clone);
        }

        /**
         * Whether the used entry is the one a correct device writes: the request's own id and length,
         * once, the used index moved past it alone.
         */
        public boolean plainUsedEntry() {
            return usedId.isEmpty() && usedLen.isEmpty() && copies == 1 && usedIdxSkip == 0;
        }

        public Complete withStatus(int statusByte) {
            return new Complete(OptionalInt.of(statusByte & 0xff), data, usedId, usedLen, copies, usedIdxSkip);
        }

        public Complete withData(byte[] bytes) {
            return new Complete(status, Optional.of(bytes), usedId, usedLen, copies, usedIdxSkip);
        }

        public Complete withUsedId(long id) {
            return new Complete(status, data, OptionalLong.of(id), usedLen, copies, usedIdxSkip);
        }

        public Complete withUsedLen(long len) {
            return new Complete(status, data, usedId, OptionalLong.of(len), copies, usedIdxSkip);
        }

        /** The used element written twice. */
        public Complete duplicated() {
            return withCopies(2);
        }

        public Complete withCopies(int count) {
            return new Complete(status, data, usedId, usedLen, count, usedIdxSkip);
        }

        /** The used index moved {@code skip} further than the elements written. */
        public Complete skippingUsedIdx(int skip) {
            return new Complete(status, data, usedId, usedLen, copies, skip);
        }
    }

    /** The request is never answered. */
    record NeverComplete() implements RequestOutcome {}

    /** The request is answered with {@code then} after {@code delayNanos} of virtual time. */
    record Delayed(long delayNanos, RequestOutcome then) implements RequestOutcome {
        public Delayed {
            if (delayNanos < 0) {
                throw new IllegalArgumentException("delay must not be negative: " + delayNanos);
            }
            java.util.Objects.requireNonNull(then, "then");
        }
    }

    /** The request waits, unanswered, until its hook releases it with an answer. */
    record Held() implements RequestOutcome {}

    /** The device breaks (DEVICE_NEEDS_RESET) when it sees the request. */
    record NeedsReset() implements RequestOutcome {}

    /**
     * Once the device has fetched the request's chain (and decoded what it will execute), it fills
     * {@code target} of the chain's driver-written memory with {@code pattern}'s low byte, then answers
     * with {@code then}, which is not itself a {@code Rewriting}.
     */
    record Rewriting(MemoryTarget target, int pattern, RequestOutcome then) implements RequestOutcome {
        public Rewriting {
            java.util.Objects.requireNonNull(target, "target");
            java.util.Objects.requireNonNull(then, "then");
            if (then instanceof Rewriting) {
                throw new IllegalArgumentException("one rewrite per request: " + then);
            }
        }
    }

    /** The request is answered as {@code answer} says, and the device then tells {@code lie}. */
    record Lying(Complete answer, MemoryLie lie) implements RequestOutcome {
        public Lying {
            java.util.Objects.requireNonNull(answer, "answer");
            java.util.Objects.requireNonNull(lie, "lie");
        }
    }
}

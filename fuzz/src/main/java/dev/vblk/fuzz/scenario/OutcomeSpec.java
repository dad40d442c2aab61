package dev.vblk.fuzz.scenario;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.vblk.fake.blk.ConfigTear;
import dev.vblk.fake.blk.MemoryTarget;
import dev.vblk.fake.blk.RequestOutcome;
import dev.vblk.fake.blk.UsedIdLie;
import dev.vblk.fake.blk.UsedIndexLie;

/**
 * What the hostile device does with one request: a plain-data description of a fake-device
 * {@link RequestOutcome}, so scenarios can be printed, saved, compared and shrunk.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "outcome")
@JsonSubTypes({
    @JsonSubTypes.Type(value = OutcomeSpec.Normal.class, name = "normal"),
    @JsonSubTypes.Type(value = OutcomeSpec.Status.class, name = "status"),
    @JsonSubTypes.Type(value = OutcomeSpec.Data.class, name = "data"),
    @JsonSubTypes.Type(value = OutcomeSpec.UsedId.class, name = "usedId"),
    @JsonSubTypes.Type(value = OutcomeSpec.UsedLen.class, name = "usedLen"),
    @JsonSubTypes.Type(value = OutcomeSpec.Duplicated.class, name = "duplicated"),
    @JsonSubTypes.Type(value = OutcomeSpec.IndexJump.class, name = "indexJump"),
    @JsonSubTypes.Type(value = OutcomeSpec.Never.class, name = "never"),
    @JsonSubTypes.Type(value = OutcomeSpec.NeedsReset.class, name = "needsReset"),
    @JsonSubTypes.Type(value = OutcomeSpec.Delayed.class, name = "delayed"),
    @JsonSubTypes.Type(value = OutcomeSpec.Rewrites.class, name = "rewrites"),
    @JsonSubTypes.Type(value = OutcomeSpec.IndexLie.class, name = "indexLie"),
    @JsonSubTypes.Type(value = OutcomeSpec.NotAHead.class, name = "notAHead"),
    @JsonSubTypes.Type(value = OutcomeSpec.SuppressionLie.class, name = "suppressionLie"),
    @JsonSubTypes.Type(value = OutcomeSpec.TornConfig.class, name = "tornConfig")
})
public sealed interface OutcomeSpec {

    /** The fake device's outcome this describes. */
    RequestOutcome toOutcome();

    /** Executed on the disk and answered correctly. */
    record Normal() implements OutcomeSpec {
        @Override
        public RequestOutcome toOutcome() {
            return RequestOutcome.normal();
        }

        @Override
        public String toString() {
            return "normal";
        }
    }

    /** Answered with status byte {@code status} (0 to 255), disk and data buffers untouched. */
    record Status(int status) implements OutcomeSpec {
        @Override
        public RequestOutcome toOutcome() {
            return RequestOutcome.status(status);
        }

        @Override
        public String toString() {
            return "status " + status;
        }
    }

    /**
     * Answered with {@code length} bytes of a pattern instead of executing, then {@code status}.
     *
     * @param length bytes the device copies into the writable data buffers (as many as fit)
     * @param pattern the pattern's seed; see {@link #bytes()}
     * @param status the status byte written after the data
     */
    record Data(int length, int pattern, int status) implements OutcomeSpec {
        /** The bytes the device hands over. */
        public byte[] bytes() {
            byte[] bytes = new byte[length];
            for (int i = 0; i < length; i++) {
                bytes[i] = (byte) (pattern + i * 31 + (i >>> 9));
            }
            return bytes;
        }

        @Override
        public RequestOutcome toOutcome() {
            return RequestOutcome.data(bytes()).withStatus(status);
        }

        @Override
        public String toString() {
            return "data " + length + " bytes (pattern " + pattern + ") status " + status;
        }
    }

    /** Executed, but the used element names descriptor {@code id} instead of the chain's head. */
    record UsedId(long id) implements OutcomeSpec {
        @Override
        public RequestOutcome toOutcome() {
            return RequestOutcome.normal().withUsedId(id);
        }

        @Override
        public String toString() {
            return "used id " + id;
        }
    }

    /** Executed, but the used element reports {@code length} bytes written. */
    record UsedLen(long length) implements OutcomeSpec {
        @Override
        public RequestOutcome toOutcome() {
            return RequestOutcome.normal().withUsedLen(length);
        }

        @Override
        public String toString() {
            return "used len " + length;
        }
    }

    /** Executed, and the used element written {@code copies} times. */
    record Duplicated(int copies) implements OutcomeSpec {
        @Override
        public RequestOutcome toOutcome() {
            return RequestOutcome.normal().withCopies(copies);
        }

        @Override
        public String toString() {
            return "completed " + copies + " times";
        }
    }

    /** Executed, and the used index moved {@code skip} entries further than the elements written. */
    record IndexJump(int skip) implements OutcomeSpec {
        @Override
        public RequestOutcome toOutcome() {
            return RequestOutcome.normal().skippingUsedIdx(skip);
        }

        @Override
        public String toString() {
            return "used index jumps " + skip;
        }
    }

    /** Never answered. */
    record Never() implements OutcomeSpec {
        @Override
        public RequestOutcome toOutcome() {
            return RequestOutcome.never();
        }

        @Override
        public String toString() {
            return "never completes";
        }
    }

    /** Not answered; the device sets DEVICE_NEEDS_RESET instead. */
    record NeedsReset() implements OutcomeSpec {
        @Override
        public RequestOutcome toOutcome() {
            return RequestOutcome.needsReset();
        }

        @Override
        public String toString() {
            return "needs reset";
        }
    }

    /** Answered with {@code then} after {@code delayNanos} of virtual time. */
    record Delayed(long delayNanos, OutcomeSpec then) implements OutcomeSpec {
        @Override
        public RequestOutcome toOutcome() {
            return RequestOutcome.delayed(delayNanos, then.toOutcome());
        }

        @Override
        public String toString() {
            return "after " + delayNanos + " ns: " + then;
        }
    }

    /**
     * Once the device has fetched the request, it rewrites {@code target} of the driver-written memory
     * of its chain with the byte {@code pattern} (a double fetch would see the change), then answers
     * with {@code then}, which is no {@code Rewrites}.
     */
    record Rewrites(MemoryTarget target, int pattern, OutcomeSpec then) implements OutcomeSpec {
        public Rewrites {
            java.util.Objects.requireNonNull(target, "target");
            java.util.Objects.requireNonNull(then, "then");
            if (pattern < 0 || pattern > 255) {
                throw new IllegalArgumentException("the rewrite pattern is one byte, 0 to 255: " + pattern);
            }
            if (then instanceof Rewrites) {
                throw new IllegalArgumentException("one rewrite per request: " + then);
            }
        }

        @Override
        public RequestOutcome toOutcome() {
            return RequestOutcome.rewriting(target, pattern, then.toOutcome());
        }

        @Override
        public String toString() {
            return "rewrites " + target + " with " + pattern + ", then " + then;
        }
    }

    /** The answer an outcome gives once any rewrite of driver memory is set aside. */
    static OutcomeSpec answer(OutcomeSpec outcome) {
        return outcome instanceof Rewrites r ? r.then() : outcome;
    }

    /**
     * Executed, and then the used index lies once: moved back or beyond the queue by {@code amount},
     * or moved back right after the driver reads it (on the packed ring, used marks taken back, a lap
     * marked used, or the element's id rewritten after the driver reads its flags: {@link UsedIndexLie}).
     */
    record IndexLie(UsedIndexLie.Kind kind, int amount) implements OutcomeSpec {
        @Override
        public RequestOutcome toOutcome() {
            return RequestOutcome.lying(RequestOutcome.normal(), new UsedIndexLie(kind, amount));
        }

        @Override
        public String toString() {
            return "used index " + kind.name().toLowerCase().replace('_', ' ') + " by " + amount;
        }
    }

    /**
     * Executed, but the used element names a descriptor that heads no chain: the second of the
     * request's own chain on a split ring, the next buffer id on a packed ring ({@link UsedIdLie}).
     */
    record NotAHead() implements OutcomeSpec {
        @Override
        public RequestOutcome toOutcome() {
            return RequestOutcome.lying(RequestOutcome.normal(), new UsedIdLie());
        }

        @Override
        public String toString() {
            return "used id not a head";
        }
    }

    /** Executed, and then the device writes {@code value} into notification suppression field {@code field}. */
    record SuppressionLie(dev.vblk.fake.blk.SuppressionLie.Field field, int value) implements OutcomeSpec {
        @Override
        public RequestOutcome toOutcome() {
            return RequestOutcome.lying(RequestOutcome.normal(), new dev.vblk.fake.blk.SuppressionLie(field, value));
        }

        @Override
        public String toString() {
            return field.name().toLowerCase() + " rewritten to " + value;
        }
    }

    /**
     * Executed, and a config change signalled whose capacity reads {@code capacity} between the
     * halves of the driver's next read of it ({@link ConfigTear}).
     */
    record TornConfig(long capacity) implements OutcomeSpec {
        @Override
        public RequestOutcome toOutcome() {
            return RequestOutcome.lying(RequestOutcome.normal(), new ConfigTear(capacity));
        }

        @Override
        public String toString() {
            return "config change, capacity torn with " + capacity;
        }
    }
}

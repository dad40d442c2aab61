package dev.vblk.workload;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/** One line of a workload: a call on the selected block device, or the selection of a device. */
public sealed interface Step {

    /** The step as the workload language writes it. */
    String toText();

    /**
     * {@code read SECTOR COUNT [save=PATH]}.
     *
     * @param save the file the bytes read are saved to, if any: the first step of a run naming a file
     *     replaces it, later ones append to it
     */
    record Read(long sector, int count, Optional<Path> save) implements Step {
        public Read {
            Objects.requireNonNull(save, "save");
        }

        /** A read whose bytes are not saved. */
        public Read(long sector, int count) {
            this(sector, count, Optional.empty());
        }

        @Override
        public String toText() {
            return "read " + sector + " " + count + save.map(file -> " save=" + file).orElse("");
        }
    }

    /** {@code write SECTOR COUNT DATA}. */
    record Write(long sector, int count, WriteData data) implements Step {
        public Write {
            Objects.requireNonNull(data, "data");
        }

        /** The bytes this step writes. */
        public byte[] bytes() {
            return data.bytes(sector, count);
        }

        @Override
        public String toText() {
            return "write " + sector + " " + count + " " + data.toText();
        }
    }

    /** {@code flush}. */
    record Flush() implements Step {
        @Override
        public String toText() {
            return "flush";
        }
    }

    /** {@code discard SECTOR COUNT}. */
    record Discard(long sector, long count) implements Step {
        @Override
        public String toText() {
            return "discard " + sector + " " + count;
        }
    }

    /** {@code write-zeroes SECTOR COUNT}. */
    record WriteZeroes(long sector, long count) implements Step {
        @Override
        public String toText() {
            return "write-zeroes " + sector + " " + count;
        }
    }

    /** {@code get-id}: the device's identification string. */
    record GetId() implements Step {
        @Override
        public String toText() {
            return "get-id";
        }
    }

    /** {@code reset}: reset and re-initialise the device's driver. */
    record Reset() implements Step {
        @Override
        public String toText() {
            return "reset";
        }
    }

    /**
     * {@code submit CALL}: the call (a read, write, flush, discard, write-zeroes or get-id) is
     * submitted and the run goes on without waiting for it; a later {@code wait} or {@code poll}
     * takes its completion.
     */
    record Submit(Step call) implements Step {
        public Submit {
            if (call instanceof Submit || call instanceof Wait || call instanceof Poll || call instanceof Reset
                    || call instanceof SelectDevice || call instanceof SelectQueue
                    || call instanceof Read read && read.save().isPresent()) {
                throw new IllegalArgumentException(call.toText() + " cannot be submitted");
            }
        }

        @Override
        public String toText() {
            return "submit " + call.toText();
        }
    }

    /** {@code wait} (every call submitted to the device) or {@code wait any} (at least one of them). */
    record Wait(boolean any) implements Step {
        @Override
        public String toText() {
            return any ? "wait any" : "wait";
        }
    }

    /** {@code poll}: the completions that are ready on the device, without waiting. */
    record Poll() implements Step {
        @Override
        public String toText() {
            return "poll";
        }
    }

    /**
     * {@code queue N}: the following steps go to request queue {@code N} (from 0) of the device
     * selected, which has several when the driver was allowed them and the device offers them
     * (VIRTIO_BLK_F_MQ); a {@code device} step goes back to queue 0.
     */
    record SelectQueue(int index) implements Step {
        public SelectQueue {
            if (index < 0) {
                throw new IllegalArgumentException("queue index must not be negative: " + index);
            }
        }

        @Override
        public String toText() {
            return "queue " + index;
        }
    }

    /** {@code device N}: the following steps go to the {@code N}-th block device the scan found (from 0). */
    record SelectDevice(int index) implements Step {
        public SelectDevice {
            if (index < 0) {
                throw new IllegalArgumentException("device index must not be negative: " + index);
            }
        }

        @Override
        public String toText() {
            return "device " + index;
        }
    }
}

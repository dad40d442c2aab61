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

    /** {@code secure-erase SECTOR COUNT}: VIRTIO_BLK_F_SECURE_ERASE, when the driver is allowed it. */
    record SecureErase(long sector, long count) implements Step {
        @Override
        public String toText() {
            return "secure-erase " + sector + " " + count;
        }
    }

    /** {@code get-lifetime}: the device's wear report (VIRTIO_BLK_F_LIFETIME). */
    record GetLifetime() implements Step {
        @Override
        public String toText() {
            return "get-lifetime";
        }
    }

    /** {@code zone-report SECTOR COUNT}: at most COUNT zones from the one holding SECTOR on (VIRTIO_BLK_F_ZONED). */
    record ZoneReport(long sector, int count) implements Step {
        @Override
        public String toText() {
            return "zone-report " + sector + " " + count;
        }
    }

    /** What a {@link ZoneCommand} does to its zone. */
    enum ZoneAction {
        OPEN, CLOSE, FINISH, RESET;

        /** The step's keyword, such as {@code zone-open}. */
        public String keyword() {
            return "zone-" + name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** {@code zone-open|zone-close|zone-finish|zone-reset SECTOR}: a command on the zone starting at SECTOR. */
    record ZoneCommand(ZoneAction action, long zoneStart) implements Step {
        public ZoneCommand {
            Objects.requireNonNull(action, "action");
        }

        @Override
        public String toText() {
            return action.keyword() + " " + zoneStart;
        }
    }

    /** {@code zone-reset-all}: every sequential zone reset. */
    record ZoneResetAll() implements Step {
        @Override
        public String toText() {
            return "zone-reset-all";
        }
    }

    /** {@code zone-append SECTOR COUNT DATA}: COUNT sectors appended to the zone starting at SECTOR. */
    record ZoneAppend(long zoneStart, int count, WriteData data) implements Step {
        public ZoneAppend {
            Objects.requireNonNull(data, "data");
        }

        /** The bytes this step appends, as a write of them at the zone's start would have them. */
        public byte[] bytes() {
            return data.bytes(zoneStart, count);
        }

        @Override
        public String toText() {
            return "zone-append " + zoneStart + " " + count + " " + data.toText();
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
     * {@code queue-reset}: the selected request queue reset by itself and enabled again with a fresh
     * ring (VIRTIO_F_RING_RESET, when the driver is allowed it); the device's other queues keep their requests.
     */
    record QueueReset() implements Step {
        @Override
        public String toText() {
            return "queue-reset";
        }
    }

    /**
     * {@code submit CALL}: the call (a read, write, flush, discard, write-zeroes, secure-erase, get-id
     * or get-lifetime) is
     * submitted and the run goes on without waiting for it; a later {@code wait} or {@code poll}
     * takes its completion.
     */
    record Submit(Step call) implements Step {
        public Submit {
            if (call instanceof Submit || call instanceof Wait || call instanceof Poll || call instanceof Reset
                    || call instanceof QueueReset
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

    /**
     * {@code stream read SECTOR COUNT [save=PATH]}: COUNT sectors read as submitted calls of at most
     * {@link #STREAM_CALL_SECTORS} sectors, up to {@link #STREAM_DEPTH} of them in flight, the oldest
     * half waited for together; the bytes of each call that succeeded are saved (appended, as a
     * {@code read} step's are) in submission order. The run then holds no more than the calls in flight,
     * whatever COUNT is.
     *
     * @param save the file the bytes are saved to, if any
     */
    record StreamRead(long sector, long count, Optional<Path> save) implements Step {
        public StreamRead {
            Objects.requireNonNull(save, "save");
        }

        @Override
        public String toText() {
            return "stream read " + sector + " " + count + save.map(file -> " save=" + file).orElse("");
        }
    }

    /**
     * {@code stream write SECTOR COUNT file=PATH [from=OFFSET]}: COUNT sectors of a file, from byte
     * OFFSET, written as submitted calls the way {@link StreamRead} reads; each call's bytes are read
     * from the file when it is submitted.
     *
     * @param file the file, as resolved against the workload's directory
     * @param offset where in the file the bytes start
     */
    record StreamWrite(long sector, long count, Path file, long offset) implements Step {
        public StreamWrite {
            Objects.requireNonNull(file, "file");
            if (offset < 0) {
                throw new IllegalArgumentException("a file offset is not negative: " + offset);
            }
        }

        @Override
        public String toText() {
            return "stream write " + sector + " " + count + " file=" + file + (offset == 0 ? "" : " from=" + offset);
        }
    }

    /** The most sectors one call of a {@code stream} step moves: 1 MiB. */
    int STREAM_CALL_SECTORS = 2048;

    /** The most calls of a {@code stream} step in flight at once. */
    int STREAM_DEPTH = 8;

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

package dev.vblk.replay;

import dev.vblk.block.RequestType;
import dev.vblk.virtio.spec.BlkRequestFormat;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One virtio-blk request as a trace shows it: what the driver asked (decoded from the descriptor
 * chain it published) and how the device answered (what the driver read back after completion).
 *
 * @param index position among all requests of the trace, in the order they were made available (0 first)
 * @param slot the MMIO slot of the device it went to
 * @param availableEvent the index of the driver's memory write that made it available to the device
 * @param operationId the operation that made it available (its submission, or the innermost call in
 *     flight; {@link RequestReconstructor} says how), 0 outside any
 * @param head the head descriptor index of its chain
 * @param type the raw request type of its header
 * @param sector the header's sector; for DISCARD, WRITE_ZEROES and SECURE_ERASE the first range's sector
 * @param sectorCount IN: writable data bytes / 512; OUT and ZONE_APPEND: readable data bytes / 512; DISCARD,
 *     WRITE_ZEROES and SECURE_ERASE: the ranges' sectors added up; otherwise 0 (as the fake device counts them)
 * @param dataLength data bytes carried (OUT, ZONE_APPEND, DISCARD, WRITE_ZEROES, SECURE_ERASE) or room for them (IN,
 *     GET_ID, GET_LIFETIME, ZONE_REPORT)
 * @param writeData the data of an OUT or ZONE_APPEND request, empty otherwise
 * @param ranges the segments of a DISCARD, WRITE_ZEROES or SECURE_ERASE request, empty otherwise
 * @param completion how the device answered
 */
public record ReconstructedRequest(
        int index,
        int slot,
        long availableEvent,
        long operationId,
        int head,
        int type,
        long sector,
        long sectorCount,
        int dataLength,
        byte[] writeData,
        List<Range> ranges,
        Completion completion) {

    /** Request type codes (VirtIO 1.1 section 5.2.6). */
    public static final int T_IN = BlkRequestFormat.T_IN;
    public static final int T_OUT = BlkRequestFormat.T_OUT;
    public static final int T_FLUSH = BlkRequestFormat.T_FLUSH;
    public static final int T_GET_ID = BlkRequestFormat.T_GET_ID;
    public static final int T_DISCARD = BlkRequestFormat.T_DISCARD;
    public static final int T_WRITE_ZEROES = BlkRequestFormat.T_WRITE_ZEROES;
    /** VirtIO 1.2's request types. */
    public static final int T_GET_LIFETIME = BlkRequestFormat.T_GET_LIFETIME;
    public static final int T_SECURE_ERASE = BlkRequestFormat.T_SECURE_ERASE;
    /** VirtIO 1.2's zone request types (VIRTIO_BLK_F_ZONED). */
    public static final int T_ZONE_APPEND = BlkRequestFormat.T_ZONE_APPEND;
    public static final int T_ZONE_REPORT = BlkRequestFormat.T_ZONE_REPORT;
    public static final int T_ZONE_OPEN = BlkRequestFormat.T_ZONE_OPEN;
    public static final int T_ZONE_CLOSE = BlkRequestFormat.T_ZONE_CLOSE;
    public static final int T_ZONE_FINISH = BlkRequestFormat.T_ZONE_FINISH;
    public static final int T_ZONE_RESET = BlkRequestFormat.T_ZONE_RESET;
    public static final int T_ZONE_RESET_ALL = BlkRequestFormat.T_ZONE_RESET_ALL;

    /** One discard / write-zeroes / secure-erase segment. */
    public record Range(long sector, long sectorCount, int flags) {}

    /** How the device answered a request. */
    public sealed interface Completion {}

    /**
     * The device completed the request and the driver saw the completion.
     *
     * @param status the status byte the driver read back, if it read it
     * @param data the bytes the driver read back from the device-writable data buffers, when it read
     *     all of them (IN, GET_ID, GET_LIFETIME, ZONE_REPORT; a ZONE_APPEND's append_sector)
     * @param usedLength the length of the used element
     * @param completionOrder the position of this completion among the completions the driver saw
     *     from the same device, 0 first: the order the recorded device completed its requests in
     */
    public record Answered(OptionalInt status, Optional<byte[]> data, OptionalLong usedLength, long completionOrder)
            implements Completion {
        public Answered {
            data = data.map(byte[]::clone);
        }

        @Override
        public Optional<byte[]> data() {
            return data.map(byte[]::clone);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Answered that && status.equals(that.status) && usedLength.equals(that.usedLength)
                    && completionOrder == that.completionOrder && data.isPresent() == that.data.isPresent()
                    && (data.isEmpty() || Arrays.equals(data.get(), that.data.get()));
        }

        @Override
        public int hashCode() {
            return Objects.hash(status, usedLength, completionOrder, data.map(Arrays::hashCode).orElse(0));
        }
    }

    /** The driver never saw a completion (it timed out or was reset first). */
    public record Unanswered() implements Completion {}

    /** The device set DEVICE_NEEDS_RESET while the request was outstanding, instead of answering. */
    public record NeedsReset() implements Completion {}

    public ReconstructedRequest {
        writeData = writeData.clone();
        ranges = List.copyOf(ranges);
        Objects.requireNonNull(completion, "completion");
    }

    @Override
    public byte[] writeData() {
        return writeData.clone();
    }

    /** The request type in the driver's vocabulary, or empty for a code virtio-blk does not define. */
    public Optional<RequestType> requestType() {
        return Optional.ofNullable(switch (type) {
            case T_IN -> RequestType.READ;
            case T_OUT -> RequestType.WRITE;
            case T_FLUSH -> RequestType.FLUSH;
            case T_GET_ID -> RequestType.GET_ID;
            case T_DISCARD -> RequestType.DISCARD;
            case T_WRITE_ZEROES -> RequestType.WRITE_ZEROES;
            case T_SECURE_ERASE -> RequestType.SECURE_ERASE;
            case T_GET_LIFETIME -> RequestType.GET_LIFETIME;
            case T_ZONE_REPORT -> RequestType.ZONE_REPORT;
            case T_ZONE_OPEN -> RequestType.ZONE_OPEN;
            case T_ZONE_CLOSE -> RequestType.ZONE_CLOSE;
            case T_ZONE_FINISH -> RequestType.ZONE_FINISH;
            case T_ZONE_RESET -> RequestType.ZONE_RESET;
            case T_ZONE_RESET_ALL -> RequestType.ZONE_RESET_ALL;
            case T_ZONE_APPEND -> RequestType.ZONE_APPEND;
            default -> null;
        });
    }

    /** What was asked, such as {@code read sector 12, 8 sectors}. */
    public String describeRequest() {
        return describe(type, sector, sectorCount);
    }

    /** What was asked, for a request of this type, sector and count. */
    public static String describe(int type, long sector, long sectorCount) {
        String name = switch (type) {
            case T_IN -> "read";
            case T_OUT -> "write";
            case T_FLUSH -> "flush";
            case T_GET_ID -> "get-id";
            case T_DISCARD -> "discard";
            case T_WRITE_ZEROES -> "write-zeroes";
            case T_SECURE_ERASE -> "secure-erase";
            case T_GET_LIFETIME -> "get-lifetime";
            case T_ZONE_REPORT -> "zone-report";
            case T_ZONE_OPEN -> "zone-open";
            case T_ZONE_CLOSE -> "zone-close";
            case T_ZONE_FINISH -> "zone-finish";
            case T_ZONE_RESET -> "zone-reset";
            case T_ZONE_RESET_ALL -> "zone-reset-all";
            case T_ZONE_APPEND -> "zone-append";
            default -> "type " + type;
        };
        return switch (type) {
            case T_IN, T_OUT, T_DISCARD, T_WRITE_ZEROES, T_SECURE_ERASE, T_ZONE_APPEND -> String.format(Locale.ROOT,
                    "%s sector %d, %d sector(s)", name, sector, sectorCount);
            case T_ZONE_REPORT, T_ZONE_OPEN, T_ZONE_CLOSE, T_ZONE_FINISH, T_ZONE_RESET -> name + " sector " + sector;
            default -> name;
        };
    }

    /** One line for people, such as {@code request 3 (slot 31): read sector 12, 8 sector(s) -> OK}. */
    public String describe() {
        return "request " + index + " (slot " + slot + "): " + describeRequest() + " -> " + describeCompletion();
    }

    /** The answer, such as {@code OK}, {@code IOERR}, {@code no completion}. */
    public String describeCompletion() {
        if (completion instanceof Answered answered) {
            return answered.status().isPresent() ? statusName(answered.status().getAsInt()) : "completed, status not read";
        }
        return completion instanceof NeedsReset ? "device needs reset" : "no completion";
    }

    /** A status byte's name: OK, IOERR, UNSUPP, or its value. */
    public static String statusName(int status) {
        return switch (status) {
            case 0 -> "OK";
            case 1 -> "IOERR";
            case 2 -> "UNSUPP";
            case 0xff -> "status byte not written (0xff)";
            default -> String.format("status 0x%02x", status);
        };
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ReconstructedRequest that && index == that.index && slot == that.slot
                && availableEvent == that.availableEvent && operationId == that.operationId && head == that.head
                && type == that.type && sector == that.sector && sectorCount == that.sectorCount
                && dataLength == that.dataLength && Arrays.equals(writeData, that.writeData)
                && ranges.equals(that.ranges) && completion.equals(that.completion);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, slot, availableEvent, operationId, head, type, sector, sectorCount, dataLength,
                Arrays.hashCode(writeData), ranges, completion);
    }

    @Override
    public String toString() {
        return describe();
    }
}

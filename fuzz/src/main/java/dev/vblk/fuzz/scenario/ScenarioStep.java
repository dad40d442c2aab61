package dev.vblk.fuzz.scenario;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.vblk.fake.blk.SpuriousInterrupt;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One step of a scenario's workload: a call the driver's user makes ({@link DriverCall}), several
 * calls in flight at once ({@link Batch}), or something the device does between calls
 * ({@link DeviceEvent}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "step")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ScenarioStep.Read.class, name = "read"),
    @JsonSubTypes.Type(value = ScenarioStep.Write.class, name = "write"),
    @JsonSubTypes.Type(value = ScenarioStep.Flush.class, name = "flush"),
    @JsonSubTypes.Type(value = ScenarioStep.WriteZeroes.class, name = "writeZeroes"),
    @JsonSubTypes.Type(value = ScenarioStep.Discard.class, name = "discard"),
    @JsonSubTypes.Type(value = ScenarioStep.GetId.class, name = "getId"),
    @JsonSubTypes.Type(value = ScenarioStep.Reset.class, name = "reset"),
    @JsonSubTypes.Type(value = ScenarioStep.InjectNeedsReset.class, name = "injectNeedsReset"),
    @JsonSubTypes.Type(value = ScenarioStep.ConfigChange.class, name = "configChange"),
    @JsonSubTypes.Type(value = ScenarioStep.SetOverride.class, name = "setOverride"),
    @JsonSubTypes.Type(value = ScenarioStep.ClearOverride.class, name = "clearOverride"),
    @JsonSubTypes.Type(value = ScenarioStep.UnstableConfig.class, name = "unstableConfig"),
    @JsonSubTypes.Type(value = ScenarioStep.RefuseFrames.class, name = "refuseFrames"),
    @JsonSubTypes.Type(value = ScenarioStep.Batch.class, name = "batch"),
    @JsonSubTypes.Type(value = ScenarioStep.Spurious.class, name = "spurious"),
    @JsonSubTypes.Type(value = ScenarioStep.SecureErase.class, name = "secureErase"),
    @JsonSubTypes.Type(value = ScenarioStep.GetLifetime.class, name = "getLifetime"),
    @JsonSubTypes.Type(value = ScenarioStep.ZoneCall.class, name = "zone")
})
public sealed interface ScenarioStep {

    /** A call on the driver. */
    sealed interface DriverCall extends ScenarioStep {}

    /** Something the device or machine does between two driver calls. */
    sealed interface DeviceEvent extends ScenarioStep {}

    /** {@code readAt(sector, new byte[count * 512])}. */
    record Read(long sector, int count) implements DriverCall {
        @Override
        public String toString() {
            return "read " + count + " at " + sector;
        }
    }

    /** {@code writeAt(sector, data)} with {@code count} sectors of a pattern seeded by {@code pattern}. */
    record Write(long sector, int count, int pattern) implements DriverCall {
        /**
         * The bytes written: byte {@code i} is {@code pattern * 7 + i * 13 + i / 512} (mod 256). In
         * sector {@code s} that is {@code c + 13 * j} for its byte {@code j} with {@code c = pattern * 7 + s},
         * which is {@code 13 * (j + 197 * c)} since 197 is 13's inverse mod 256: a sector is a slice of
         * {@link #MULTIPLES_OF_13}, copied whole.
         */
        public byte[] data() {
            byte[] data = new byte[count * 512];
            for (int sector = 0; sector < count; sector++) {
                int start = (197 * (pattern * 7 + sector)) & 0xff;
                System.arraycopy(MULTIPLES_OF_13, start, data, sector * 512, 512);
            }
            return data;
        }

        /** {@code 13 * k} (mod 256) for k from 0 to 766: every sector of {@link #data()} is a slice of it. */
        private static final byte[] MULTIPLES_OF_13 = new byte[255 + 512];

        static {
            for (int k = 0; k < MULTIPLES_OF_13.length; k++) {
                MULTIPLES_OF_13[k] = (byte) (k * 13);
            }
        }

        @Override
        public String toString() {
            return "write " + count + " at " + sector + " (pattern " + pattern + ")";
        }
    }

    /** {@code flush()}. */
    record Flush() implements DriverCall {
        @Override
        public String toString() {
            return "flush";
        }
    }

    /** {@code writeZeroes(sector, count)}. */
    record WriteZeroes(long sector, long count) implements DriverCall {
        @Override
        public String toString() {
            return "write-zeroes " + count + " at " + sector;
        }
    }

    /** {@code discard(sector, count)}. */
    record Discard(long sector, long count) implements DriverCall {
        @Override
        public String toString() {
            return "discard " + count + " at " + sector;
        }
    }

    /** {@code deviceIdString()}. */
    record GetId() implements DriverCall {
        @Override
        public String toString() {
            return "get-id";
        }
    }

    /** {@code secureErase(sector, count)}. */
    record SecureErase(long sector, long count) implements DriverCall {
        @Override
        public String toString() {
            return "secure-erase " + count + " at " + sector;
        }
    }

    /** {@code lifetime()}. */
    record GetLifetime() implements DriverCall {
        @Override
        public String toString() {
            return "get-lifetime";
        }
    }

    /** A zone command of {@link dev.vblk.block.ZonedBlockDevice} (VIRTIO_BLK_F_ZONED). */
    enum ZoneCommand {
        /** {@code reportZones(sector, count)}. */
        REPORT,
        /** {@code openZone(sector)}. */
        OPEN,
        /** {@code closeZone(sector)}. */
        CLOSE,
        /** {@code finishZone(sector)}. */
        FINISH,
        /** {@code resetZone(sector)}. */
        RESET,
        /** {@code resetAllZones()}. */
        RESET_ALL,
        /** {@code zoneAppend(sector, data)} of {@code count} sectors. */
        APPEND
    }

    /**
     * A zone command on the device's zoned interface; made synchronously, never in a batch.
     *
     * @param command which
     * @param sector the zone's first sector (for a report, the sector whose zone it starts at; unused by RESET_ALL)
     * @param count the most zones a report asks for, the sectors an append carries, else 0
     * @param pattern seeds an append's data as {@link Write#data()} does
     */
    record ZoneCall(ZoneCommand command, long sector, int count, int pattern) implements DriverCall {
        /** The data an append carries. */
        public byte[] data() {
            return new Write(sector, count, pattern).data();
        }

        @Override
        public String toString() {
            String name = "zone-" + command.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
            return switch (command) {
                case REPORT -> name + " of " + count + " from " + sector;
                case APPEND -> name + " " + count + " to " + sector + " (pattern " + pattern + ")";
                case RESET_ALL -> name;
                default -> name + " " + sector;
            };
        }
    }

    /** {@code reset()}, with the faults active at the time still on. */
    record Reset() implements DriverCall {
        @Override
        public String toString() {
            return "reset";
        }
    }

    /** The device sets DEVICE_NEEDS_RESET and raises a config interrupt. */
    record InjectNeedsReset() implements DeviceEvent {
        @Override
        public String toString() {
            return "device: needs reset";
        }
    }

    /** The device bumps ConfigGeneration and raises a config interrupt without changing anything. */
    record ConfigChange() implements DeviceEvent {
        @Override
        public String toString() {
            return "device: config change";
        }
    }

    /** A control register starts reading a fixed value. */
    record SetOverride(RegisterOverride override) implements DeviceEvent {
        @Override
        public String toString() {
            return "device: " + override;
        }
    }

    /** A register override ends. */
    record ClearOverride(int offset) implements DeviceEvent {
        @Override
        public String toString() {
            return "device: " + dev.vblk.virtio.MmioRegister.describeOffset(offset) + " reads normally";
        }
    }

    /** The next {@code reads} config reads each bump ConfigGeneration first. */
    record UnstableConfig(int reads) implements DeviceEvent {
        @Override
        public String toString() {
            return "device: next " + reads + " config reads unstable";
        }
    }

    /** The frame allocator starts (or stops) refusing multi-frame requests or every request. */
    record RefuseFrames(boolean multiFrame, boolean all) implements DeviceEvent {
        @Override
        public String toString() {
            return "machine: allocator refuses " + (all ? "everything" : multiFrame ? "multi-frame runs" : "nothing");
        }
    }

    /**
     * Several calls submitted at once through the asynchronous interface, then all waited for: as
     * many of their requests in flight as the queue depth allows. The calls are reads, writes,
     * flushes, write-zeroes, discards, secure erases, get-ids and get-lifetimes.
     */
    record Batch(List<DriverCall> calls) implements DriverCall {
        public Batch {
            calls = List.copyOf(calls);
            for (DriverCall call : calls) {
                if (call instanceof Reset || call instanceof Batch) {
                    throw new IllegalArgumentException("a batch holds block calls, not " + call);
                }
            }
        }

        @Override
        public String toString() {
            return "batch of " + calls.size() + ": " + calls.stream().map(Object::toString).collect(Collectors.joining("; "));
        }
    }

    /** The device raises an interrupt with no completion behind it. */
    record Spurious(SpuriousInterrupt kind) implements DeviceEvent {
        @Override
        public String toString() {
            return "device: spurious interrupt, " + kind.name().toLowerCase().replace('_', ' ');
        }
    }
}

package dev.vblk.fuzz;

import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.fuzz.scenario.AllocatorSpec;
import dev.vblk.fuzz.scenario.DeviceFaultSpec;
import dev.vblk.fuzz.scenario.DeviceSpec;
import dev.vblk.fuzz.scenario.OutcomeSpec;
import dev.vblk.fuzz.scenario.RegisterOverride;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.fuzz.scenario.ScriptedOutcome;
import dev.vblk.fuzz.scenario.Step;
import dev.vblk.virtio.DeviceStatus;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.MmioRegister;
import dev.vblk.virtio.blk.BlkFeatures;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik arbitraries that build the same scenario records as the seed generator, so a failing
 * scenario shrinks towards the plainest device, the fewest faults and the shortest workload.
 */
final class ScenarioArbitraries {

    private ScenarioArbitraries() {}

    /** Whole scenarios, hostile in every part. */
    static Arbitrary<Scenario> scenarios() {
        return Combinators.combine(devices(), faults(), allocators(), outcomes(), steps())
                .as((device, faults, allocator, outcomes, steps) -> new Scenario(0, device, faults, allocator, outcomes, steps));
    }

    /** Scenarios on an ordinary device without device-level faults: request outcomes and workload only. */
    static Arbitrary<Scenario> requestScenarios() {
        return Combinators.combine(Arbitraries.of(1L, 64L, 300L), outcomes(), steps())
                .as((capacity, outcomes, steps) -> new Scenario(0, plainDevice(capacity), DeviceFaultSpec.NONE,
                        AllocatorSpec.GENEROUS, outcomes, steps));
    }

    /** Scenarios that attack initialisation: identity, features, queue size, config generation. */
    static Arbitrary<Scenario> initialisationScenarios() {
        Arbitrary<List<Step>> shortSteps = steps().map(s -> s.subList(0, Math.min(3, s.size())));
        return Combinators.combine(devices(), faults(), allocators(), shortSteps)
                .as((device, faults, allocator, steps) -> new Scenario(0, device, faults, allocator, List.of(), steps));
    }

    static DeviceSpec plainDevice(long capacity) {
        return new DeviceSpec(capacity, VirtioBlk.QEMU_DEFAULT_FEATURES, false, "vblk-fuzz", 0, 254, 512, 1,
                0x3f_ffffL, 1, 0x3f_ffffL);
    }

    static Arbitrary<DeviceSpec> devices() {
        Arbitrary<Long> capacity = Arbitraries.of(64L, 0L, 1L, 7L, 256L, (1L << 32) + 5);
        Arbitrary<Long> features = Arbitraries.of(0L, 1L << BlkFeatures.SIZE_MAX, 1L << BlkFeatures.SEG_MAX,
                1L << BlkFeatures.FLUSH, 1L << BlkFeatures.CONFIG_WCE, 1L << BlkFeatures.DISCARD,
                1L << BlkFeatures.WRITE_ZEROES, 1L << BlkFeatures.BLK_SIZE, 1L << FeatureBits.EVENT_IDX,
                1L << FeatureBits.INDIRECT_DESC, 1L << FeatureBits.RING_PACKED, 1L << 50)
                .list().ofMaxSize(4).map(bits -> bits.stream().reduce(VirtioBlk.QEMU_DEFAULT_FEATURES, (a, b) -> a ^ b));
        Arbitrary<String> id = Arbitraries.strings().ascii().ofMaxLength(20).filter(s -> s.indexOf('\0') < 0);
        Arbitrary<Long> sizeMax = Arbitraries.of(0L, 1L, 7L, 511L, 512L, 4096L, 0xffff_ffffL);
        Arbitrary<Long> segMax = Arbitraries.of(254L, 0L, 1L, 2L, 3L, 0xffff_ffffL);
        Arbitrary<Long> blkSize = Arbitraries.of(512L, 0L, 1L, 520L, 4096L, 0xffff_ffffL);
        Arbitrary<Integer> writeback = Arbitraries.of(1, 0, 2, 255);
        Arbitrary<Long> limit = Arbitraries.of(0x3f_ffffL, 0L, 1L, 8L, 0xffff_ffffL);
        Arbitrary<Long> alignment = Arbitraries.of(1L, 0L, 8L);
        var first = Combinators.combine(capacity, features, Arbitraries.of(false, true), id).as(Tuple::of);
        var second = Combinators.combine(sizeMax, segMax, blkSize, writeback).as(Tuple::of);
        var third = Combinators.combine(limit, alignment, limit).as(Tuple::of);
        return Combinators.combine(first, second, third).as((a, b, c) -> new DeviceSpec(a.get1(), a.get2(), a.get3(),
                a.get4(), b.get1(), b.get2(), b.get3(), b.get4(), c.get1(), c.get2(), c.get3()));
    }

    static Arbitrary<RegisterOverride> overrides() {
        return Arbitraries.oneOf(
                Arbitraries.of(0L, 1L, 2L, 3L, 4L, 5L, 100L, 257L, 32768L, 65535L, 0xffff_ffffL)
                        .map(v -> new RegisterOverride(MmioRegister.QUEUE_NUM_MAX.offset(), v)),
                Arbitraries.of(0L, 0x7472_6977L).map(v -> new RegisterOverride(MmioRegister.MAGIC_VALUE.offset(), v)),
                Arbitraries.of(1L, 3L).map(v -> new RegisterOverride(MmioRegister.VERSION.offset(), v)),
                Arbitraries.of(0L, 1L, 3L).map(v -> new RegisterOverride(MmioRegister.DEVICE_ID.offset(), v)),
                Arbitraries.of(0L, (long) DeviceStatus.FAILED, (long) DeviceStatus.DEVICE_NEEDS_RESET, 0xffL)
                        .map(v -> new RegisterOverride(MmioRegister.STATUS.offset(), v)),
                Arbitraries.of(0L, 1L, 3L, 0xffff_ffffL).map(v -> new RegisterOverride(MmioRegister.INTERRUPT_STATUS.offset(), v)),
                Arbitraries.longs().between(0, 0xffff_ffffL).map(v -> new RegisterOverride(MmioRegister.VENDOR_ID.offset(), v)));
    }

    static Arbitrary<DeviceFaultSpec> faults() {
        Arbitrary<Long> withheld = Arbitraries.of(FeatureBits.bit(FeatureBits.VERSION_1), FeatureBits.bit(BlkFeatures.FLUSH),
                FeatureBits.bit(BlkFeatures.SEG_MAX), FeatureBits.bit(BlkFeatures.CONFIG_WCE),
                FeatureBits.bit(BlkFeatures.WRITE_ZEROES), FeatureBits.bit(BlkFeatures.DISCARD))
                .list().ofMaxSize(3).map(bits -> bits.stream().reduce(0L, (a, b) -> a | b));
        return Combinators.combine(overrides().list().ofMaxSize(2), withheld, Arbitraries.of(false, false, false, true),
                        Arbitraries.of(0, 1, 15, 16, 40, 10_000), Arbitraries.of(0, 1, 2, 4, 0xfc, 0x8000_0000))
                .as(DeviceFaultSpec::new);
    }

    static Arbitrary<AllocatorSpec> allocators() {
        return Combinators.combine(Arbitraries.of(false, true), Arbitraries.of(-1L, 0L, 3L, 10L, 25L)).as(AllocatorSpec::new);
    }

    static Arbitrary<OutcomeSpec> outcome() {
        return Arbitraries.lazyOf(() -> Arbitraries.just(new OutcomeSpec.Normal()),
                () -> Arbitraries.integers().between(0, 255).map(OutcomeSpec.Status::new),
                () -> Combinators.combine(Arbitraries.of(0, 1, 20, 511, 512, 4096, 70_000), Arbitraries.integers().between(0, 255),
                        Arbitraries.of(0, 0, 1, 0xff)).as(OutcomeSpec.Data::new),
                () -> Arbitraries.of(1L, 2L, 255L, 256L, 0xffff_ffffL).map(OutcomeSpec.UsedId::new),
                () -> Arbitraries.of(0L, 1L, 2L, 21L, 513L, 1L << 20, 0xffff_ffffL).map(OutcomeSpec.UsedLen::new),
                () -> Arbitraries.integers().between(2, 3).map(OutcomeSpec.Duplicated::new),
                () -> Arbitraries.integers().between(1, 300).map(OutcomeSpec.IndexJump::new),
                () -> Arbitraries.just(new OutcomeSpec.Never()),
                () -> Arbitraries.just(new OutcomeSpec.NeedsReset()),
                () -> Combinators.combine(Arbitraries.of(1_000L, 5_000_000L, 19_000_000L, 25_000_000L),
                        Arbitraries.<OutcomeSpec>of(new OutcomeSpec.Normal(), new OutcomeSpec.Status(1), new OutcomeSpec.Never(),
                                new OutcomeSpec.UsedLen(0))).as(OutcomeSpec.Delayed::new));
    }

    static Arbitrary<List<ScriptedOutcome>> outcomes() {
        return Combinators.combine(Arbitraries.integers().between(0, 12), outcome()).as(ScriptedOutcome::new)
                .list().ofMaxSize(5).uniqueElements(ScriptedOutcome::requestIndex);
    }

    static Arbitrary<Step> step() {
        Arbitrary<Long> sector = Arbitraries.oneOf(Arbitraries.longs().between(0, 300), Arbitraries.of(-1L, Long.MAX_VALUE));
        Arbitrary<Integer> count = Arbitraries.oneOf(Arbitraries.integers().between(0, 16), Arbitraries.integers().between(17, 300));
        Arbitrary<Long> rangeCount = Arbitraries.oneOf(Arbitraries.longs().between(0, 64), Arbitraries.of(Long.MAX_VALUE));
        return Arbitraries.frequencyOf(
                Tuple.of(4, Combinators.combine(sector, count).as(Step.Read::new)),
                Tuple.of(4, Combinators.combine(sector, count, Arbitraries.integers().between(0, 255)).as(Step.Write::new)),
                Tuple.of(2, Arbitraries.just(new Step.Flush())),
                Tuple.of(1, Combinators.combine(sector, rangeCount).as(Step.WriteZeroes::new)),
                Tuple.of(1, Combinators.combine(sector, rangeCount).as(Step.Discard::new)),
                Tuple.of(1, Arbitraries.just(new Step.GetId())),
                Tuple.of(1, Arbitraries.just(new Step.Reset())),
                Tuple.of(1, Arbitraries.<Step>of(new Step.InjectNeedsReset(), new Step.ConfigChange())),
                Tuple.of(1, overrides().filter(o -> o.offset() == MmioRegister.STATUS.offset()
                        || o.offset() == MmioRegister.INTERRUPT_STATUS.offset()).map(Step.SetOverride::new)),
                Tuple.of(1, Arbitraries.of(MmioRegister.STATUS.offset(), MmioRegister.QUEUE_NUM_MAX.offset()).map(Step.ClearOverride::new)),
                Tuple.of(1, Arbitraries.of(1, 16, 10_000).map(Step.UnstableConfig::new)),
                Tuple.of(1, Combinators.combine(Arbitraries.of(false, true), Arbitraries.of(false, true)).as(Step.RefuseFrames::new)));
    }

    static Arbitrary<List<Step>> steps() {
        return step().list().ofMinSize(1).ofMaxSize(10);
    }
}

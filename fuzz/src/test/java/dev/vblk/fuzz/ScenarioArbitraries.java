package dev.vblk.fuzz;

import dev.vblk.fake.blk.AvailEventWrites;
import dev.vblk.fake.blk.CompletionBatching;
import dev.vblk.fake.blk.InOrderFault;
import dev.vblk.fake.blk.MemoryTarget;
import dev.vblk.fake.blk.SpuriousInterrupt;
import dev.vblk.fake.blk.SuppressionLie;
import dev.vblk.fake.blk.UsedIndexLie;
import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.fuzz.scenario.AllocatorSpec;
import dev.vblk.fuzz.scenario.DeviceFaultSpec;
import dev.vblk.fuzz.scenario.DeviceSpec;
import dev.vblk.fuzz.scenario.OutcomeSpec;
import dev.vblk.fuzz.scenario.QueueSpec;
import dev.vblk.fuzz.scenario.RegisterOverride;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.fuzz.scenario.ScriptedOutcome;
import dev.vblk.fuzz.scenario.ScenarioStep;
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
public final class ScenarioArbitraries {

    private ScenarioArbitraries() {}

    /** Whole scenarios, hostile in every part. */
    public static Arbitrary<Scenario> scenarios() {
        return Combinators.combine(devices(), faults(), allocators(), queues(), outcomes(), steps())
                .as((device, faults, allocator, queue, outcomes, steps) -> new Scenario(0, device, faults, allocator, queue,
                        outcomes, steps));
    }

    /**
     * Scenarios on an ordinary device with many requests in flight: batches of calls, completions
     * out of order or held back, interrupts coalesced, dropped or spurious, and hostile request outcomes.
     */
    public static Arbitrary<Scenario> queueScenarios() {
        return Combinators.combine(Arbitraries.of(64L, 300L), queues(), outcomes(), queueSteps())
                .as((capacity, queue, outcomes, steps) -> new Scenario(0, plainDevice(capacity), DeviceFaultSpec.NONE,
                        AllocatorSpec.GENEROUS, queue, outcomes, steps));
    }

    /**
     * Scenarios on an ordinary device offering VIRTIO_F_IN_ORDER, which the driver may accept, on the
     * split or the packed ring, with several requests in flight and completions released in batches
     * within a tenth of a millisecond (so that one used entry stands for several): the device keeps
     * the order or breaks it.
     */
    public static Arbitrary<Scenario> inOrderScenarios() {
        return Combinators.combine(Arbitraries.of(64L, 300L), Arbitraries.of(4, 8, 32), Arbitraries.integers().between(2, 8),
                        Arbitraries.of(CompletionBatching.Order.class), outcomes(), queueSteps(), Arbitraries.of(InOrderFault.class),
                        Arbitraries.of(false, true))
                .as((capacity, depth, batch, order, outcomes, steps, fault, packed) -> new Scenario(0, plainDevice(capacity),
                        DeviceFaultSpec.NONE, AllocatorSpec.GENEROUS, QueueSpec.SERIAL.withDepth(depth)
                                .withBatching(new CompletionBatching(batch, 100_000L, order, 0)).withInOrder(true, fault),
                        outcomes, steps).offering(FeatureBits.IN_ORDER, true).offering(FeatureBits.RING_PACKED, packed));
    }

    /**
     * {@link #queueScenarios()} on a device offering VIRTIO_F_NOTIFICATION_DATA, which the driver may
     * accept, on the split or the packed ring.
     */
    public static Arbitrary<Scenario> notificationDataScenarios() {
        return Combinators.combine(queueScenarios(), Arbitraries.of(false, true))
                .as((scenario, packed) -> scenario.withQueue(scenario.queue().withNotificationData(true))
                        .offering(FeatureBits.NOTIFICATION_DATA, true).offering(FeatureBits.RING_PACKED, packed));
    }

    /** Scenarios on an ordinary device without device-level faults: request outcomes and workload only. */
    public static Arbitrary<Scenario> requestScenarios() {
        return Combinators.combine(Arbitraries.of(1L, 64L, 300L), outcomes(), steps())
                .as((capacity, outcomes, steps) -> new Scenario(0, plainDevice(capacity), DeviceFaultSpec.NONE,
                        AllocatorSpec.GENEROUS, QueueSpec.SERIAL, outcomes, steps));
    }

    /** Scenarios that attack initialisation: identity, features, queue size, config generation. */
    public static Arbitrary<Scenario> initialisationScenarios() {
        Arbitrary<List<ScenarioStep>> shortSteps = steps().map(s -> s.subList(0, Math.min(3, s.size())));
        return Combinators.combine(devices(), faults(), allocators(), shortSteps)
                .as((device, faults, allocator, steps) -> new Scenario(0, device, faults, allocator, QueueSpec.SERIAL, List.of(),
                        steps));
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

    /** An answer, now and then after a rewrite of the request's driver-written memory. */
    static Arbitrary<OutcomeSpec> outcome() {
        return Arbitraries.frequencyOf(Tuple.of(4, answer()), Tuple.of(1, Combinators.combine(
                Arbitraries.of(MemoryTarget.class), Arbitraries.of(0, 0xff, 0xa5, 0x01), answer()).as(OutcomeSpec.Rewrites::new)));
    }

    static Arbitrary<OutcomeSpec> answer() {
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
                () -> Combinators.combine(Arbitraries.of(UsedIndexLie.Kind.class),
                        Arbitraries.of(1, 2, 17, 0x8000)).as(OutcomeSpec.IndexLie::new),
                () -> Arbitraries.just(new OutcomeSpec.NotAHead()),
                () -> Combinators.combine(Arbitraries.of(SuppressionLie.Field.class),
                        Arbitraries.of(0, 1)).as(OutcomeSpec.SuppressionLie::new),
                () -> Arbitraries.of(0L, (1L << 32) + 5, -1L).map(OutcomeSpec.TornConfig::new),
                () -> Combinators.combine(Arbitraries.of(1_000L, 5_000_000L, 19_000_000L, 25_000_000L),
                        Arbitraries.<OutcomeSpec>of(new OutcomeSpec.Normal(), new OutcomeSpec.Status(1), new OutcomeSpec.Never(),
                                new OutcomeSpec.UsedLen(0))).as(OutcomeSpec.Delayed::new));
    }

    static Arbitrary<List<ScriptedOutcome>> outcomes() {
        return Combinators.combine(Arbitraries.integers().between(0, 12), outcome()).as(ScriptedOutcome::new)
                .list().ofMaxSize(5).uniqueElements(ScriptedOutcome::requestIndex);
    }

    static Arbitrary<ScenarioStep> step() {
        Arbitrary<Long> sector = Arbitraries.oneOf(Arbitraries.longs().between(0, 300), Arbitraries.of(-1L, Long.MAX_VALUE));
        Arbitrary<Integer> count = Arbitraries.oneOf(Arbitraries.integers().between(0, 16), Arbitraries.integers().between(17, 300));
        Arbitrary<Long> rangeCount = Arbitraries.oneOf(Arbitraries.longs().between(0, 64), Arbitraries.of(Long.MAX_VALUE));
        return Arbitraries.frequencyOf(
                Tuple.of(4, Combinators.combine(sector, count).as(ScenarioStep.Read::new)),
                Tuple.of(4, Combinators.combine(sector, count, Arbitraries.integers().between(0, 255)).as(ScenarioStep.Write::new)),
                Tuple.of(2, Arbitraries.just(new ScenarioStep.Flush())),
                Tuple.of(1, Combinators.combine(sector, rangeCount).as(ScenarioStep.WriteZeroes::new)),
                Tuple.of(1, Combinators.combine(sector, rangeCount).as(ScenarioStep.Discard::new)),
                Tuple.of(1, Arbitraries.just(new ScenarioStep.GetId())),
                Tuple.of(1, Arbitraries.just(new ScenarioStep.Reset())),
                Tuple.of(1, Arbitraries.<ScenarioStep>of(new ScenarioStep.InjectNeedsReset(), new ScenarioStep.ConfigChange())),
                Tuple.of(1, overrides().filter(o -> o.offset() == MmioRegister.STATUS.offset()
                        || o.offset() == MmioRegister.INTERRUPT_STATUS.offset()).map(ScenarioStep.SetOverride::new)),
                Tuple.of(1, Arbitraries.of(MmioRegister.STATUS.offset(), MmioRegister.QUEUE_NUM_MAX.offset()).map(ScenarioStep.ClearOverride::new)),
                Tuple.of(1, Arbitraries.of(1, 16, 10_000).map(ScenarioStep.UnstableConfig::new)),
                Tuple.of(1, Combinators.combine(Arbitraries.of(false, true), Arbitraries.of(false, true)).as(ScenarioStep.RefuseFrames::new)));
    }

    static Arbitrary<List<ScenarioStep>> steps() {
        return step().list().ofMinSize(1).ofMaxSize(10);
    }

    /** Queue depths and what the device does to a busy queue; shrinks towards one request at a time, no faults. */
    static Arbitrary<QueueSpec> queues() {
        Arbitrary<CompletionBatching> batching = Arbitraries.oneOf(Arbitraries.just(CompletionBatching.NONE),
                Combinators.combine(Arbitraries.integers().between(2, 8),
                        Arbitraries.of(100_000L, 3_000_000L, 30_000_000L, Long.MAX_VALUE),
                        Arbitraries.of(CompletionBatching.Order.class), Arbitraries.longs()).as(CompletionBatching::new));
        Arbitrary<Integer> coalesced = Arbitraries.of(1, 2, 4);
        Arbitrary<Long> window = Arbitraries.of(Long.MAX_VALUE, 100_000L, 5_000_000L);
        Arbitrary<List<Long>> dropped = Arbitraries.longs().between(0, 12).list().ofMaxSize(3);
        var first = Combinators.combine(Arbitraries.of(1, 2, 4, 8, 32), batching, coalesced, window).as(Tuple::of);
        var second = Combinators.combine(dropped, Arbitraries.of(false, true),
                Arbitraries.of(AvailEventWrites.AS_NEGOTIATED, AvailEventWrites.ALWAYS, AvailEventWrites.NEVER)).as(Tuple::of);
        return Combinators.combine(first, second).as((a, b) -> new QueueSpec(a.get1(), a.get2(), a.get3(), a.get4(),
                b.get1(), b.get2(), b.get3(), false, false, InOrderFault.NONE));
    }

    /** Workloads of batches and single calls, with spurious interrupts between them. */
    static Arbitrary<List<ScenarioStep>> queueSteps() {
        Arbitrary<ScenarioStep> call = step().filter(s -> s instanceof ScenarioStep.DriverCall && !(s instanceof ScenarioStep.Reset));
        Arbitrary<ScenarioStep> batch = call.map(ScenarioStep.DriverCall.class::cast).list().ofMinSize(1).ofMaxSize(8).map(ScenarioStep.Batch::new);
        Arbitrary<ScenarioStep> spurious = Arbitraries.of(SpuriousInterrupt.class).map(ScenarioStep.Spurious::new);
        return Arbitraries.frequencyOf(Tuple.of(4, batch), Tuple.of(2, call), Tuple.of(1, spurious),
                Tuple.of(1, Arbitraries.just(new ScenarioStep.Reset()))).list().ofMinSize(1).ofMaxSize(6);
    }
}

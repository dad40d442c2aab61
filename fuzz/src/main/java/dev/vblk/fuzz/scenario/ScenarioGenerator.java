package dev.vblk.fuzz.scenario;

import dev.vblk.fake.blk.AvailEventWrites;
import dev.vblk.fake.blk.CompletionBatching;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.InOrderFault;
import dev.vblk.fake.blk.MemoryTarget;
import dev.vblk.fake.blk.SpuriousInterrupt;
import dev.vblk.fake.blk.SuppressionLie;
import dev.vblk.fake.blk.UsedIndexLie;
import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.virtio.DeviceStatus;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.MmioRegister;
import dev.vblk.virtio.blk.BlkFeatures;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds a {@link Scenario} from a seed: the same seed always gives an equal scenario. Values are
 * drawn mostly from the edges that break drivers (0, 1, not a power of two, all ones), with enough
 * ordinary cases that requests get through and reach the later steps.
 */
public final class ScenarioGenerator {

    /** Feature bits a hostile device may flip in the offered word (VERSION_1 stays: see the faults). */
    static final int[] FLIPPABLE_FEATURES = {
        BlkFeatures.SIZE_MAX, BlkFeatures.SEG_MAX, BlkFeatures.GEOMETRY, BlkFeatures.BLK_SIZE, BlkFeatures.FLUSH,
        BlkFeatures.TOPOLOGY, BlkFeatures.CONFIG_WCE, BlkFeatures.MQ, BlkFeatures.DISCARD, BlkFeatures.WRITE_ZEROES,
        FeatureBits.INDIRECT_DESC, FeatureBits.EVENT_IDX, FeatureBits.ACCESS_PLATFORM, FeatureBits.RING_PACKED,
        FeatureBits.IN_ORDER, FeatureBits.NOTIFICATION_DATA, FeatureBits.RING_RESET, 41, 50, 63};

    static final long[] CAPACITIES = {0, 1, 7, 64, 64, 128, 128, 256, 256, 1000, (1L << 32) + 5};
    static final long[] SIZE_MAX = {0, 0, 0, 1, 7, 511, 512, 513, 4095, 4096, 65536, 0xffff_ffffL};
    static final long[] SEG_MAX = {0, 1, 2, 3, 8, 254, 254, 254, 0xffff_ffffL};
    static final long[] BLK_SIZE = {0, 1, 3, 511, 512, 512, 512, 520, 4096, 65536, 0xffff_ffffL};
    static final int[] WRITEBACK = {0, 1, 1, 2, 255};
    static final long[] DISCARD_MAX = {0, 1, 8, 0x3f_ffffL, 0x3f_ffffL, 0xffff_ffffL};
    static final long[] DISCARD_ALIGNMENT = {0, 1, 1, 1, 8};
    static final long[] SECURE_ERASE_SEGMENTS = {0, 1, 1, 1, 2};
    static final int[] PRE_EOL_INFO = {0, 1, 2, 3, 4, 0xffff};
    static final int[] LIFETIME_ESTIMATES = {0, 1, 5, 10, 11, 12, 0xffff};
    static final long[] QUEUE_NUM_MAX = {0, 1, 2, 3, 4, 5, 100, 255, 256, 257, 1024, 32768, 65535, 0xffff_ffffL};
    static final long[] STATUS_READS = {0, DeviceStatus.FAILED, DeviceStatus.DEVICE_NEEDS_RESET,
        DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER, 0xff};
    static final long[] INTERRUPT_READS = {0, 1, 3, 0xffff_ffffL};
    static final int[] EXTRA_INTERRUPT_BITS = {1, 2, 4, 0xfc, 0x8000_0000};
    static final int[] UNSTABLE_READS = {1, 3, 15, 16, 17, 40, 10_000};
    static final long[] USED_IDS = {1, 2, 3, 255, 256, 65535, 0xffff_ffffL};
    static final long[] USED_LENS = {0, 1, 2, 21, 512, 513, 4097, 1 << 20, 0xffff_ffffL};
    static final int[] DATA_LENGTHS = {0, 1, 19, 20, 21, 511, 512, 4096, 8192, 70_000};
    static final int[] DEPTHS = {2, 4, 8, 32};
    static final long[] HOLDS = {100_000, 1_000_000, 3_000_000, 3_000_000, 30_000_000, Long.MAX_VALUE};
    static final long[] COALESCING_WINDOWS = {100_000, 1_000_000, 5_000_000, Long.MAX_VALUE};
    static final long[] DELAYS = {1_000, 100_000, 5_000_000, 19_000_000, 25_000_000, 1_000_000_000};
    static final int[] REWRITE_PATTERNS = {0x00, 0xff, 0xa5};
    /** Mixed into the seed for the draw of rewrites of driver-written memory. */
    private static final long REWRITE_STREAM = 0x6d65_6d6f_7279_4c69L;
    /** One seed in this many gets a device that lies about memory. */
    static final int MEMORY_LIE_ODDS = 8;
    /** Mixed into the seed for the memory lies' own stream of choices. */
    static final long MEMORY_LIE_STREAM = 0x6d65_6d6c_6965_7321L;
    static final int[] INDEX_LIE_AMOUNTS = {1, 1, 2, 3, 17, 0x8000};
    static final int[] SUPPRESSION_EVENTS = {0, 1, 2, 0x7fff, 0x8000, 0xffff};
    static final long[] TORN_CAPACITIES = {0, 1, (1L << 32) + 5, 0xffff_ffffL, -1L};
    /** One seed in this many has a driver allowed RING_RESET and TOPOLOGY (each, or both). */
    static final int RESET_TOPOLOGY_ODDS = 4;
    /** Mixed into the seed for the ring reset and topology draws' own stream of choices. */
    static final long RESET_TOPOLOGY_STREAM = 0x7269_6e67_546f_706fL;
    /** One seed in this many has a device requiring ACCESS_PLATFORM, a driver allowed it, or both. */
    static final int ACCESS_PLATFORM_ODDS = 8;
    /** Mixed into the seed for the ACCESS_PLATFORM draws' own stream of choices. */
    static final long ACCESS_PLATFORM_STREAM = 0x696f_6d6d_7550_6c61L;
    /** One seed in this many has a zoned device with zone calls. */
    static final int ZONED_ODDS = 8;
    /** Mixed into the seed for the zoned family's own stream of choices. */
    static final long ZONED_STREAM = 0x7a6f_6e65_6444_6576L;
    static final long[] ZONE_SECTORS = {8, 16, 64, 256};
    static final long[] ZONE_LIMITS = {0, 0, 1, 2, 3};
    static final long[] APPEND_LIMITS = {0, 1, 4, 8, 256};
    static final int[] PHYSICAL_BLOCK_EXPS = {0, 0, 1, 3, 3, 12, 31, 255};
    static final int[] ALIGNMENT_OFFSETS = {0, 0, 0, 1, 7, 8, 255};
    static final int[] MIN_IO_SIZES = {0, 0, 1, 3, 8, 0xffff};
    static final long[] OPT_IO_SIZES = {0, 0, 8, 9, 64, 0xffff_ffffL};

    private ScenarioGenerator() {}

    /** The scenario of {@code seed}. */
    public static Scenario generate(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        DeviceSpec device = device(random);
        DeviceFaultSpec faults = random.nextInt(3) == 0 ? faults(random) : DeviceFaultSpec.NONE;
        AllocatorSpec allocator = random.nextInt(6) == 0
                ? new AllocatorSpec(random.nextBoolean(), random.nextInt(3) == 0 ? random.nextInt(40) : -1)
                : AllocatorSpec.GENEROUS;
        List<ScriptedOutcome> outcomes = new ArrayList<>();
        int scripted = random.nextInt(14);
        for (int index = 0; index < scripted; index++) {
            if (random.nextInt(3) == 0) {
                outcomes.add(new ScriptedOutcome(index, outcome(random, true)));
            }
        }
        List<ScenarioStep> steps = new ArrayList<>();
        int count = 1 + random.nextInt(10);
        for (int i = 0; i < count; i++) {
            steps.add(random.nextInt(6) == 0 ? event(random) : call(random, device.capacitySectors()));
        }
        // Drawn last, so that a seed's scenario at depth 1 is what it was before queues had a depth.
        QueueSpec queue = random.nextInt(3) == 0 ? queue(random) : QueueSpec.SERIAL;
        if (queue.depth() > 1 || queue.hasFaults()) {
            steps = batched(random, steps);
        }
        // Drawn after all the rest, so that a seed's scenario is what it was before secure erase and the
        // lifetime report, but for the settings and calls they add to a quarter of the seeds.
        EraseLifetimeSpec eraseLifetime = random.nextInt(4) == 0 ? eraseLifetime(random) : EraseLifetimeSpec.NONE;
        if (eraseLifetime != EraseLifetimeSpec.NONE) {
            steps = withEraseLifetimeCalls(random, steps, device.capacitySectors());
        }
        // Each from a random of its own, so that a seed whose device tells no memory lie gives what it gave
        // before; a lie about device-written memory takes the place of a rewrite of the same request.
        outcomes = withRewrite(new SplittableRandom(seed ^ REWRITE_STREAM), outcomes);
        outcomes = withMemoryLie(seed, outcomes);
        Scenario scenario = new Scenario(seed, device, faults, allocator, queue, outcomes, steps, eraseLifetime,
                resetTopology(seed), accessPlatform(seed));
        // Drawn last, so that a seed's scenario outside these two families is what it was before them.
        Scenario family = switch (random.nextInt(10)) {
            case 0 -> inOrder(random, scenario);
            case 1 -> notificationData(scenario);
            default -> scenario;
        };
        return zoned(seed, family);
    }

    /**
     * One seed in {@link #ZONED_ODDS} has a zoned device, host-managed or host-aware, of a few small
     * zones (its capacity, SIZE_MAX and SEG_MAX replaced so that the zones fit in memory and an append
     * of a few sectors fits in one request), sometimes breaking the zone rules ({@link FakeBlkConfig.ZoneLie}),
     * and zone calls and writes at and off the write pointers added to its workload. A zoned fake
     * device's capacity does not change, so its torn-capacity answers are left out. Drawn after
     * everything else, from a stream of its own, so that every other seed's scenario is what it was
     * before the family.
     */
    private static Scenario zoned(long seed, Scenario scenario) {
        SplittableRandom random = new SplittableRandom(seed ^ ZONED_STREAM);
        if (random.nextInt(ZONED_ODDS) != 0) {
            return scenario;
        }
        FakeBlkConfig.ZoneLie[] lies = FakeBlkConfig.ZoneLie.values();
        ZonedSpec spec = new ZonedSpec(random.nextBoolean() ? 1 : 2, pick(random, ZONE_SECTORS), 2 + random.nextInt(7),
                pick(random, ZONE_LIMITS), pick(random, ZONE_LIMITS), pick(random, APPEND_LIMITS),
                random.nextInt(3) == 0 ? lies[1 + random.nextInt(lies.length - 1)] : FakeBlkConfig.ZoneLie.NONE);
        DeviceSpec d = scenario.device();
        DeviceSpec device = new DeviceSpec(spec.capacitySectors(), d.offeredFeatures(), d.readOnly(), d.idString(), 0,
                254, d.blkSize(), d.writeback(), d.maxDiscardSectors(), d.discardAlignment(), d.maxWriteZeroesSectors());
        List<ScriptedOutcome> outcomes = new ArrayList<>(scenario.outcomes());
        outcomes.removeIf(scripted -> scripted.outcome() instanceof OutcomeSpec.TornConfig);
        List<ScenarioStep> steps = new ArrayList<>(scenario.steps());
        for (int added = 2 + random.nextInt(7); added > 0; added--) {
            steps.add(random.nextInt(steps.size() + 1), zoneStep(random, spec));
        }
        return new Scenario(seed, device, scenario.faults(), scenario.allocator(), scenario.queue(), outcomes, steps,
                scenario.eraseLifetime(), scenario.resetTopology(), scenario.accessPlatform(), spec);
    }

    /**
     * A zone call or a write in a zone: mostly at a zone's start (the write pointer of an empty
     * zone), sometimes a sector into it (off the write pointer, or not a zone's start) or past the
     * capacity; the conventional first zone included.
     */
    private static ScenarioStep zoneStep(SplittableRandom random, ZonedSpec spec) {
        long zoneStart = random.nextInt(spec.zones()) * spec.zoneSectors();
        long sector = switch (random.nextInt(8)) {
            case 0 -> zoneStart + 1 + random.nextInt((int) spec.zoneSectors() - 1);
            case 1 -> spec.capacitySectors();
            default -> zoneStart;
        };
        ScenarioStep.ZoneCommand[] commands = ScenarioStep.ZoneCommand.values();
        int choice = random.nextInt(commands.length + 2);
        if (choice >= commands.length) {
            return choice == commands.length ? new ScenarioStep.Write(sector, 1 + random.nextInt(4), random.nextInt(256))
                    : new ScenarioStep.Read(zoneStart, 1 + random.nextInt((int) spec.zoneSectors()));
        }
        ScenarioStep.ZoneCommand command = commands[choice];
        int count = switch (command) {
            case REPORT -> random.nextInt(spec.zones() + 2);
            case APPEND -> 1 + random.nextInt(4);
            default -> 0;
        };
        return new ScenarioStep.ZoneCall(command, sector, count, random.nextInt(256));
    }

    /**
     * One seed in {@link #RESET_TOPOLOGY_ODDS} has a driver allowed RING_RESET, TOPOLOGY or both, over
     * topology fields from the edges. Drawn last, from a stream of its own, so that every seed's
     * scenario is otherwise what it was before the family.
     */
    private static ResetTopologySpec resetTopology(long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ RESET_TOPOLOGY_STREAM);
        if (random.nextInt(RESET_TOPOLOGY_ODDS) != 0) {
            return ResetTopologySpec.NONE;
        }
        int allowed = 1 + random.nextInt(3);
        return new ResetTopologySpec((allowed & 1) != 0, (allowed & 2) != 0, new FakeBlkConfig.Topology(
                PHYSICAL_BLOCK_EXPS[random.nextInt(PHYSICAL_BLOCK_EXPS.length)],
                ALIGNMENT_OFFSETS[random.nextInt(ALIGNMENT_OFFSETS.length)],
                MIN_IO_SIZES[random.nextInt(MIN_IO_SIZES.length)], pick(random, OPT_IO_SIZES)));
    }

    /** Each feature offered, allowed, both or neither; limits and wear values from the edges. */
    /**
     * One seed in {@link #ACCESS_PLATFORM_ODDS} has a device requiring ACCESS_PLATFORM and a driver
     * allowed it (half of them), a device requiring it and a driver not allowed it, or a driver allowed
     * it and a device that does not require it. From a stream of its own, so that every seed's scenario
     * is otherwise what it was before the family.
     */
    private static AccessPlatformSpec accessPlatform(long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ ACCESS_PLATFORM_STREAM);
        if (random.nextInt(ACCESS_PLATFORM_ODDS) != 0) {
            return AccessPlatformSpec.NONE;
        }
        return switch (random.nextInt(4)) {
            case 0 -> new AccessPlatformSpec(true, false);
            case 1 -> new AccessPlatformSpec(false, true);
            default -> new AccessPlatformSpec(true, true);
        };
    }

    private static EraseLifetimeSpec eraseLifetime(SplittableRandom random) {
        return new EraseLifetimeSpec(random.nextInt(4) != 0, random.nextInt(4) != 0, pick(random, DISCARD_MAX),
                pick(random, SECURE_ERASE_SEGMENTS), pick(random, DISCARD_ALIGNMENT), random.nextInt(4) != 0,
                random.nextInt(4) != 0, new FakeBlkConfig.Lifetime(PRE_EOL_INFO[random.nextInt(PRE_EOL_INFO.length)],
                        LIFETIME_ESTIMATES[random.nextInt(LIFETIME_ESTIMATES.length)],
                        LIFETIME_ESTIMATES[random.nextInt(LIFETIME_ESTIMATES.length)]));
    }

    /** {@code steps} with one to three secure erases or lifetime calls added, on their own or in a batch. */
    private static List<ScenarioStep> withEraseLifetimeCalls(SplittableRandom random, List<ScenarioStep> steps,
            long capacity) {
        List<ScenarioStep> result = new ArrayList<>(steps);
        for (int added = 1 + random.nextInt(3); added > 0; added--) {
            ScenarioStep.DriverCall call = random.nextBoolean()
                    ? new ScenarioStep.SecureErase(sector(random, capacity), rangeCount(random, capacity))
                    : new ScenarioStep.GetLifetime();
            int at = random.nextInt(result.size() + 1);
            if (at < result.size() && result.get(at) instanceof ScenarioStep.Batch batch && random.nextBoolean()) {
                List<ScenarioStep.DriverCall> calls = new ArrayList<>(batch.calls());
                calls.add(random.nextInt(calls.size() + 1), call);
                result.set(at, new ScenarioStep.Batch(calls));
            } else {
                result.add(at, call);
            }
        }
        return result;
    }

    /**
     * The outcomes with, in a quarter of the scenarios, one of the first requests' driver-written memory
     * rewritten once the device has fetched it: the request's own scripted answer kept, or a normal one.
     */
    private static List<ScriptedOutcome> withRewrite(SplittableRandom random, List<ScriptedOutcome> outcomes) {
        if (random.nextInt(4) != 0) {
            return outcomes;
        }
        int index = random.nextInt(6);
        MemoryTarget target = MemoryTarget.values()[random.nextInt(MemoryTarget.values().length)];
        int pattern = random.nextBoolean() ? REWRITE_PATTERNS[random.nextInt(REWRITE_PATTERNS.length)] : random.nextInt(256);
        List<ScriptedOutcome> lied = new ArrayList<>();
        OutcomeSpec answer = new OutcomeSpec.Normal();
        for (ScriptedOutcome scripted : outcomes) {
            if (scripted.requestIndex() == index) {
                answer = scripted.outcome();
            } else {
                lied.add(scripted);
            }
        }
        lied.add(new ScriptedOutcome(index, new OutcomeSpec.Rewrites(target, pattern, answer)));
        lied.sort(Comparator.comparingInt(ScriptedOutcome::requestIndex));
        return lied;
    }

    /**
     * One seed in {@link #MEMORY_LIE_ODDS} has one of its first requests answered with a memory lie
     * (used index, used id, suppression field or torn config) in place of its scripted outcome. The
     * choices come from a stream of their own, so every other seed gives the scenario it gave before
     * the lies existed.
     */
    private static List<ScriptedOutcome> withMemoryLie(long seed, List<ScriptedOutcome> outcomes) {
        SplittableRandom random = new SplittableRandom(seed ^ MEMORY_LIE_STREAM);
        if (random.nextInt(MEMORY_LIE_ODDS) != 0) {
            return outcomes;
        }
        int index = random.nextInt(6);
        List<ScriptedOutcome> lying = new ArrayList<>(outcomes);
        lying.removeIf(scripted -> scripted.requestIndex() == index);
        lying.add(new ScriptedOutcome(index, memoryLie(random)));
        return lying;
    }

    static OutcomeSpec memoryLie(SplittableRandom random) {
        return switch (random.nextInt(4)) {
            case 0 -> new OutcomeSpec.IndexLie(UsedIndexLie.Kind.values()[random.nextInt(UsedIndexLie.Kind.values().length)],
                    INDEX_LIE_AMOUNTS[random.nextInt(INDEX_LIE_AMOUNTS.length)]);
            case 1 -> new OutcomeSpec.NotAHead();
            case 2 -> {
                SuppressionLie.Field field = SuppressionLie.Field.values()[random.nextInt(SuppressionLie.Field.values().length)];
                boolean flags = field == SuppressionLie.Field.DRIVER_FLAGS || field == SuppressionLie.Field.DEVICE_FLAGS;
                yield new OutcomeSpec.SuppressionLie(field, flags ? random.nextInt(2)
                        : SUPPRESSION_EVENTS[random.nextInt(SUPPRESSION_EVENTS.length)]);
            }
            default -> new OutcomeSpec.TornConfig(pick(random, TORN_CAPACITIES));
        };
    }

    /**
     * {@code scenario} in the in-order family: its device offers VIRTIO_F_IN_ORDER, the driver may
     * accept it, several requests are in flight and completions come in batches, which the device
     * keeps in order or breaks it (out of order, or a request left out of a batch).
     */
    public static Scenario inOrder(SplittableRandom random, Scenario scenario) {
        QueueSpec queue = scenario.queue();
        List<ScenarioStep> steps = scenario.steps();
        if (queue.depth() == 1) {
            queue = queue.withDepth(DEPTHS[random.nextInt(DEPTHS.length)]);
            steps = batched(random, steps);
        }
        if (queue.batching().size() == 1) {
            queue = queue.withBatching(new CompletionBatching(2 + random.nextInt(4), pick(random, HOLDS),
                    CompletionBatching.Order.values()[random.nextInt(CompletionBatching.Order.values().length)],
                    random.nextLong()));
        }
        InOrderFault fault = random.nextBoolean() ? InOrderFault.NONE
                : InOrderFault.values()[1 + random.nextInt(InOrderFault.values().length - 1)];
        return new Scenario(scenario.seed(), scenario.device(), scenario.faults(), scenario.allocator(),
                queue.withInOrder(true, fault), scenario.outcomes(), steps, scenario.eraseLifetime(),
                scenario.resetTopology(), scenario.accessPlatform(), scenario.zoned())
                .offering(FeatureBits.IN_ORDER, true);
    }

    /** {@code scenario} in the notification-data family: its device offers VIRTIO_F_NOTIFICATION_DATA and the driver may accept it. */
    public static Scenario notificationData(Scenario scenario) {
        return scenario.withQueue(scenario.queue().withNotificationData(true))
                .offering(FeatureBits.NOTIFICATION_DATA, true);
    }

    private static QueueSpec queue(SplittableRandom random) {
        int depth = DEPTHS[random.nextInt(DEPTHS.length)];
        if (random.nextBoolean()) {
            return QueueSpec.SERIAL.withDepth(depth);
        }
        CompletionBatching batching = random.nextInt(3) == 0 ? CompletionBatching.NONE
                : new CompletionBatching(2 + random.nextInt(7), pick(random, HOLDS),
                        CompletionBatching.Order.values()[random.nextInt(CompletionBatching.Order.values().length)],
                        random.nextLong());
        boolean coalesce = random.nextInt(3) == 0;
        List<Long> dropped = new ArrayList<>();
        if (random.nextInt(3) == 0) {
            for (int i = 1 + random.nextInt(3); i > 0; i--) {
                dropped.add((long) random.nextInt(12));
            }
        }
        AvailEventWrites availEvent = random.nextInt(10) == 0
                ? AvailEventWrites.values()[random.nextInt(AvailEventWrites.values().length)] : AvailEventWrites.AS_NEGOTIATED;
        return new QueueSpec(depth, batching, coalesce ? 2 + random.nextInt(3) : 1,
                coalesce ? pick(random, COALESCING_WINDOWS) : Long.MAX_VALUE, dropped, random.nextInt(4) == 0, availEvent,
                false, false, InOrderFault.NONE);
    }

    /**
     * Groups runs of block calls into batches submitted together, and now and then adds a spurious
     * interrupt between steps.
     */
    private static List<ScenarioStep> batched(SplittableRandom random, List<ScenarioStep> steps) {
        List<ScenarioStep> result = new ArrayList<>();
        List<ScenarioStep.DriverCall> run = new ArrayList<>();
        int batchSize = 0;
        for (ScenarioStep step : steps) {
            // A zone call is made on its own: the zoned interface has no submissions.
            boolean blockCall = step instanceof ScenarioStep.DriverCall && !(step instanceof ScenarioStep.Reset)
                    && !(step instanceof ScenarioStep.ZoneCall);
            if (blockCall && batchSize == 0 && random.nextBoolean()) {
                batchSize = 2 + random.nextInt(5);
            }
            if (blockCall && batchSize > 0) {
                run.add((ScenarioStep.DriverCall) step);
                if (run.size() == batchSize) {
                    result.add(new ScenarioStep.Batch(run));
                    run = new ArrayList<>();
                    batchSize = 0;
                }
                continue;
            }
            if (!run.isEmpty()) {
                result.add(new ScenarioStep.Batch(run));
                run = new ArrayList<>();
                batchSize = 0;
            }
            result.add(step);
        }
        if (!run.isEmpty()) {
            result.add(new ScenarioStep.Batch(run));
        }
        if (random.nextInt(4) == 0) {
            SpuriousInterrupt kind = SpuriousInterrupt.values()[random.nextInt(SpuriousInterrupt.values().length)];
            result.add(random.nextInt(result.size() + 1), new ScenarioStep.Spurious(kind));
        }
        return result;
    }

    private static DeviceSpec device(SplittableRandom random) {
        long features = VirtioBlk.QEMU_DEFAULT_FEATURES;
        for (int bit : FLIPPABLE_FEATURES) {
            if (random.nextInt(6) == 0) {
                features ^= 1L << bit;
            }
        }
        return new DeviceSpec(
                pick(random, CAPACITIES),
                features,
                random.nextInt(10) == 0,
                idString(random),
                pick(random, SIZE_MAX),
                pick(random, SEG_MAX),
                pick(random, BLK_SIZE),
                WRITEBACK[random.nextInt(WRITEBACK.length)],
                pick(random, DISCARD_MAX),
                pick(random, DISCARD_ALIGNMENT),
                pick(random, DISCARD_MAX));
    }

    private static String idString(SplittableRandom random) {
        int length = random.nextInt(4) == 0 ? 20 : random.nextInt(21);
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < length; i++) {
            id.append((char) (0x21 + random.nextInt(0x5e)));
        }
        return id.toString();
    }

    private static DeviceFaultSpec faults(SplittableRandom random) {
        List<RegisterOverride> overrides = new ArrayList<>();
        if (random.nextInt(3) == 0) {
            overrides.add(new RegisterOverride(MmioRegister.QUEUE_NUM_MAX.offset(), pick(random, QUEUE_NUM_MAX)));
        }
        if (random.nextInt(12) == 0) {
            overrides.add(identityOverride(random));
        }
        if (random.nextInt(12) == 0) {
            overrides.add(new RegisterOverride(MmioRegister.STATUS.offset(), pick(random, STATUS_READS)));
        }
        if (random.nextInt(12) == 0) {
            overrides.add(new RegisterOverride(MmioRegister.INTERRUPT_STATUS.offset(), pick(random, INTERRUPT_READS)));
        }
        long withheld = 0;
        if (random.nextInt(4) == 0) {
            withheld = random.nextLong() & BlkFeatures.WANTED & ~FeatureBits.bit(FeatureBits.VERSION_1);
            if (random.nextInt(8) == 0) {
                withheld |= FeatureBits.bit(FeatureBits.VERSION_1);
            }
        }
        return new DeviceFaultSpec(overrides, withheld, random.nextInt(25) == 0,
                random.nextInt(5) == 0 ? UNSTABLE_READS[random.nextInt(UNSTABLE_READS.length)] : 0,
                random.nextInt(5) == 0 ? EXTRA_INTERRUPT_BITS[random.nextInt(EXTRA_INTERRUPT_BITS.length)] : 0);
    }

    private static RegisterOverride identityOverride(SplittableRandom random) {
        return switch (random.nextInt(4)) {
            case 0 -> new RegisterOverride(MmioRegister.MAGIC_VALUE.offset(), random.nextBoolean() ? 0 : 0x7472_6977L);
            case 1 -> new RegisterOverride(MmioRegister.VERSION.offset(), random.nextBoolean() ? 1 : 3);
            case 2 -> new RegisterOverride(MmioRegister.DEVICE_ID.offset(), new long[] {0, 1, 3, 0xffff_ffffL}[random.nextInt(4)]);
            default -> new RegisterOverride(MmioRegister.VENDOR_ID.offset(), random.nextLong() & 0xffff_ffffL);
        };
    }

    static OutcomeSpec outcome(SplittableRandom random, boolean mayDelay) {
        int choice = random.nextInt(mayDelay ? 11 : 10);
        return switch (choice) {
            case 0, 1 -> new OutcomeSpec.Status(switch (random.nextInt(5)) {
                case 0 -> VirtioBlk.S_IOERR;
                case 1 -> VirtioBlk.S_UNSUPP;
                case 2 -> VirtioBlk.S_OK;
                case 3 -> 0xff;
                default -> random.nextInt(256);
            });
            case 2 -> new OutcomeSpec.Data(DATA_LENGTHS[random.nextInt(DATA_LENGTHS.length)], random.nextInt(256),
                    random.nextInt(4) == 0 ? random.nextInt(256) : VirtioBlk.S_OK);
            case 3 -> new OutcomeSpec.UsedId(pick(random, USED_IDS));
            case 4 -> new OutcomeSpec.UsedLen(pick(random, USED_LENS));
            case 5 -> new OutcomeSpec.Duplicated(2 + random.nextInt(2));
            case 6 -> new OutcomeSpec.IndexJump(1 + random.nextInt(3) * random.nextInt(1, 300));
            case 7 -> new OutcomeSpec.Never();
            case 8 -> new OutcomeSpec.NeedsReset();
            case 9 -> new OutcomeSpec.Normal();
            default -> new OutcomeSpec.Delayed(pick(random, DELAYS), outcome(random, false));
        };
    }

    private static ScenarioStep call(SplittableRandom random, long capacity) {
        return switch (random.nextInt(16)) {
            case 0, 1, 2, 3 -> new ScenarioStep.Read(sector(random, capacity), count(random));
            case 4, 5, 6, 7 -> new ScenarioStep.Write(sector(random, capacity), count(random), random.nextInt(256));
            case 8, 9 -> new ScenarioStep.Flush();
            case 10 -> new ScenarioStep.WriteZeroes(sector(random, capacity), rangeCount(random, capacity));
            case 11 -> new ScenarioStep.Discard(sector(random, capacity), rangeCount(random, capacity));
            case 12, 13 -> new ScenarioStep.GetId();
            default -> new ScenarioStep.Reset();
        };
    }

    private static ScenarioStep event(SplittableRandom random) {
        return switch (random.nextInt(7)) {
            case 0, 1 -> new ScenarioStep.InjectNeedsReset();
            case 2 -> new ScenarioStep.ConfigChange();
            case 3 -> new ScenarioStep.SetOverride(random.nextBoolean()
                    ? new RegisterOverride(MmioRegister.STATUS.offset(), pick(random, STATUS_READS))
                    : new RegisterOverride(MmioRegister.INTERRUPT_STATUS.offset(), pick(random, INTERRUPT_READS)));
            case 4 -> new ScenarioStep.ClearOverride(random.nextBoolean() ? MmioRegister.STATUS.offset()
                    : MmioRegister.QUEUE_NUM_MAX.offset());
            case 5 -> new ScenarioStep.UnstableConfig(UNSTABLE_READS[random.nextInt(UNSTABLE_READS.length)]);
            default -> new ScenarioStep.RefuseFrames(random.nextBoolean(), random.nextInt(3) == 0);
        };
    }

    private static long sector(SplittableRandom random, long capacity) {
        return switch (random.nextInt(12)) {
            case 0 -> capacity;
            case 1 -> Math.max(0, capacity - 1);
            case 2 -> -1;
            case 3 -> Long.MAX_VALUE;
            default -> capacity <= 0 ? 0 : random.nextLong(Math.min(capacity, 1 << 20));
        };
    }

    private static int count(SplittableRandom random) {
        return switch (random.nextInt(10)) {
            case 0 -> 0;
            case 1 -> 1 + random.nextInt(300);
            default -> 1 + random.nextInt(16);
        };
    }

    private static long rangeCount(SplittableRandom random, long capacity) {
        return switch (random.nextInt(10)) {
            case 0 -> 0;
            case 1 -> capacity + 1;
            case 2 -> Long.MAX_VALUE;
            default -> 1 + random.nextInt(64);
        };
    }

    private static long pick(SplittableRandom random, long[] values) {
        return values[random.nextInt(values.length)];
    }
}

package dev.vblk.fuzz.guided;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vblk.fake.blk.CompletionBatching;
import dev.vblk.fuzz.campaign.FailureArchive;
import dev.vblk.fuzz.seeded.SeedTrace;
import dev.vblk.fuzz.seeded.SeededRunner;
import dev.vblk.fuzz.seeded.SeededVerdict;
import dev.vblk.fuzz.seeded.TraceMutation;
import dev.vblk.trace.TraceEvent;
import dev.vblk.virtio.MmioRegister;
import java.nio.file.Path;
import java.util.List;

/**
 * Trace-seeded fuzzing guided by the driver's code coverage: Jazzer's bytes choose a golden trace, the
 * event whose answer changes and the new answer (any register value, any byte of a memory read, an
 * interrupt flipped, completions reordered), and the trace oracle judges the branching replay; a
 * finding fails the target. The inputs kept in
 * {@code src/test/resources/dev/vblk/fuzz/guided/TraceMutationFuzzTestInputs/traceMutations} run
 * again in every build; {@code fuzz/guided.sh --target traceMutations} fuzzes.
 */
class TraceMutationFuzzTest {

    /** The golden traces of {@code traces/} the mutations start from (virtio-mmio, one device). */
    static final List<String> SEEDS = List.of("io-error", "write-read", "known-sectors", "multi-sector-flush",
            "discovery", "depth-32", "packed");

    private static final List<SeedTrace> SEED_TRACES = SEEDS.stream()
            .map(name -> SeedTrace.read(FailureArchive.regressions(Path.of("")).folder().getParent()
                    .resolve(name + ".trace.avro")))
            .toList();

    private final SeededRunner runner = new SeededRunner();

    @FuzzTest
    void traceMutations(FuzzedDataProvider data) {
        SeedTrace seed = data.pickValue(SEED_TRACES);
        SeededVerdict verdict = runner.run(seed, mutation(seed, data));
        assertTrue(verdict.passed(), verdict::toString);
    }

    /** The change to {@code seed} that {@code data} chooses. */
    static TraceMutation mutation(SeedTrace seed, FuzzedDataProvider data) {
        int index = data.pickValue(seed.sites());
        if (data.consumeBoolean()) {
            return new TraceMutation.CompletionOrder(index, data.consumeInt(2, 8), data.pickValue(CompletionBatching.Order.values()));
        }
        TraceEvent event = seed.trace().events().get(index);
        if (event instanceof TraceEvent.RegisterRead read) {
            int offset = (int) ((read.address() - seed.window().baseAddress()) % seed.window().slotSize());
            return new TraceMutation.RegisterValue(index, MmioRegister.describeOffset(offset),
                    read.width().truncate(data.consumeLong()));
        }
        if (event instanceof TraceEvent.MemoryRead read) {
            return new TraceMutation.MemoryByte(index, read.length() + "-byte memory read",
                    data.consumeInt(0, read.length() - 1), data.consumeInt(0, 0xff));
        }
        return new TraceMutation.InterruptFlip(index);
    }
}

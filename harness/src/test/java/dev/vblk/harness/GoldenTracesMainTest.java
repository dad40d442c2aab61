package dev.vblk.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.session.BoardParameters;
import dev.vblk.workload.WorkloadPreset;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The re-recording command's arguments, checked before anything is recorded. */
class GoldenTracesMainTest {

    @TempDir
    Path directory;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return GoldenTraces.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void unknownTraceNameIsRefusedWithTheKnownNames() throws Exception {
        assertEquals(2, run("--only", "known-sectors,nonsense", directory.toString()));
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("no golden trace 'nonsense'"), message);
        assertTrue(message.contains("io-error"), message);
        try (var files = Files.list(directory)) {
            assertEquals(0, files.count(), "nothing recorded");
        }
    }

    @Test
    void unknownOptionOrTwoDirectoriesPrintUsage() {
        assertEquals(2, run("--all"));
        assertEquals(2, run("a", "b"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("usage: GoldenTraces"));
    }

    @Test
    void goldenTraceNamesAreThePresetNamesOrTheRingTheyUse() {
        for (GoldenTrace golden : GoldenTrace.values()) {
            if (golden == GoldenTrace.PACKED) {
                assertEquals(WorkloadPreset.DEPTH_32, golden.preset());
                assertTrue(golden.board().options().packedRing());
            } else {
                assertEquals((golden.usesMsix() ? "pci-msix-" : golden.overPci() ? "pci-" : "") + golden.preset().presetName(),
                        golden.traceName());
                assertEquals(golden.overPci(), golden.board().pci().isPresent());
            }
            assertEquals(directory.resolve(golden.traceName() + ".trace.avro"), golden.file(directory));
        }
    }
}

package dev.vblk.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.virtio.blk.DriverOptions;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkloadPresetTest {

    private static final int SECTORS_PER_REQUEST = DriverOptions.DEFAULTS.maxRequestBytes() / 512;

    @Test
    void everyPresetParsesAndIsFoundByItsName() {
        for (WorkloadPreset preset : WorkloadPreset.values()) {
            Workload workload = preset.workload();
            assertEquals(preset.presetName(), workload.name());
            assertEquals(preset.text(), workload.text());
            assertEquals(Optional.of(preset), WorkloadPreset.named(preset.presetName()));
        }
        assertEquals("discovery, known-sectors, write-read, multi-sector-flush, io-error, standard, depth-32, multi-queue, queue-reset", WorkloadPreset.names());
    }

    @Test
    void discoveryHasNoSteps() {
        assertTrue(WorkloadPreset.DISCOVERY.workload().steps().isEmpty());
    }

    @Test
    void presetsStayInsideA2048SectorDisk() {
        for (WorkloadPreset preset : WorkloadPreset.values()) {
            for (Step step : preset.workload().steps()) {
                long end = step instanceof Step.Read r ? r.sector() + r.count()
                        : step instanceof Step.Write w ? w.sector() + w.count()
                        : step instanceof Step.Discard d ? d.sector() + d.count()
                        : step instanceof Step.WriteZeroes z ? z.sector() + z.count() : 0;
                assertTrue(end <= 2048, preset + ": " + step.toText());
            }
        }
    }

    @Test
    void multiSectorPresetSplitsIntoSeveralRequests() {
        assertTrue(WorkloadPreset.MULTI_SECTOR_FLUSH.workload().steps().stream()
                .anyMatch(step -> step instanceof Step.Write w && w.count() > 2 * SECTORS_PER_REQUEST));
        assertTrue(WorkloadPreset.MULTI_SECTOR_FLUSH.workload().steps().stream()
                .anyMatch(step -> step instanceof Step.Read r && r.count() > 2 * SECTORS_PER_REQUEST));
        assertTrue(WorkloadPreset.MULTI_SECTOR_FLUSH.workload().steps().contains(new Step.Flush()));
    }

    @Test
    void ioErrorPresetReadsTheFailingSectorFirstThenItsNeighbours() {
        var steps = WorkloadPreset.IO_ERROR.workload().steps();
        assertEquals(new Step.Read(9, 1), steps.get(0));
        assertTrue(steps.containsAll(java.util.List.of(new Step.Read(8, 1), new Step.Read(10, 1))));
    }

    /**
     * Every kind of call; a stream step is made of submitted reads or writes and waits, which it has.
     * Secure erase, the lifetime report, the zone commands and the queue reset are left out: {@code vblk demo}
     * records the preset on QEMU 7.2's virtio-mmio drives, which offer none of them.
     */
    @Test
    void standardUsesEveryKindOfCall() {
        var kinds = WorkloadPreset.STANDARD.workload().steps().stream().map(Object::getClass).distinct().toList();
        assertEquals(Arrays.stream(Step.class.getPermittedSubclasses())
                .filter(c -> c != Step.SelectDevice.class && c != Step.SelectQueue.class && c != Step.StreamRead.class
                        && c != Step.StreamWrite.class && c != Step.SecureErase.class && c != Step.GetLifetime.class
                        && c != Step.ZoneReport.class && c != Step.ZoneCommand.class && c != Step.ZoneResetAll.class
                        && c != Step.ZoneAppend.class && c != Step.QueueReset.class).count(),
                kinds.size(), kinds.toString());
    }
}

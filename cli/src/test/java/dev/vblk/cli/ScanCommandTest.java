package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.harness.SignedImages;
import dev.vblk.qemu.junit.RequiresQemu;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vblk scan} on the fake device and on QEMU. */
class ScanCommandTest {

    @TempDir
    Path directory;

    @Test
    void listsTheFakeDevice() {
        Cli.Result result = Cli.run("scan", "--fake", "--sectors", "4096");
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().startsWith("fake machine (64 MiB RAM), 32 virtio-mmio slots of 0x200 bytes from 0x0a000000"),
                result.out());
        assertTrue(result.out().lines().anyMatch(line -> line.matches("31\\s+0x0a003e00\\s+block\\s+4096 \\(2 MiB\\)\\s+no\\s+.*VERSION_1.*")),
                result.out());
        assertTrue(result.out().contains("1 block device(s), 31 empty slot(s)"), result.out());
    }

    @Test
    void showsTheNegotiatedFeaturesByNameAndTheTopologyUnderTheDevice() {
        Cli.Result result = Cli.run("scan", "--fake", "--sectors", "4096");
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        List<String> lines = result.out().lines().toList();
        int row = lines.indexOf(lines.stream().filter(line -> line.startsWith("31 ")).findFirst().orElseThrow());
        assertTrue(lines.get(row).contains("RING_RESET"), "offered: " + lines.get(row));
        assertEquals("      negotiated: SEG_MAX|BLK_SIZE|FLUSH|TOPOLOGY|CONFIG_WCE|DISCARD|WRITE_ZEROES|INDIRECT_DESC|EVENT_IDX"
                + "|VERSION_1", lines.get(row + 1), "GEOMETRY and RING_RESET are offered, not negotiated");
        assertEquals("      topology:   physical block 512 bytes, alignment offset 0 bytes, minimum I/O not given, "
                + "optimal I/O not given", lines.get(row + 2));
    }

    @Test
    void namesSecureEraseAndLifetimeAndShowsTheirLimitsAndTheWearReportWhenTheFakeOffersThem() {
        Cli.Result result = Cli.run("scan", "--fake", "--secure-erase", "--lifetime");
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        List<String> lines = result.out().lines().toList();
        int row = lines.indexOf(lines.stream().filter(line -> line.startsWith("31 ")).findFirst().orElseThrow());
        assertTrue(lines.get(row).contains("|LIFETIME|SECURE_ERASE|"), "offered: " + lines.get(row));
        assertTrue(lines.get(row + 1).contains("|LIFETIME|SECURE_ERASE|"), "negotiated: " + lines.get(row + 1));
        assertEquals("      secure erase: up to 4194303 sectors a segment, 1 segment(s) a request, alignment 1 sector(s)",
                lines.get(row + 3));
        assertEquals("      lifetime:   pre-EOL normal, SLC (type A) 0-10% used, MLC (type B) 0-10% used", lines.get(row + 4));
    }

    @Test
    void showsInOrderAndNotificationDataNegotiatedWhenTheCommandLineAllowsThem() {
        Cli.Result result = Cli.run("scan", "--fake", "--sectors", "4096", "--in-order", "--notification-data");
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        List<String> lines = result.out().lines().toList();
        int row = lines.indexOf(lines.stream().filter(line -> line.startsWith("31 ")).findFirst().orElseThrow());
        assertTrue(lines.get(row).contains("IN_ORDER") && lines.get(row).contains("NOTIFICATION_DATA"), "offered: " + lines.get(row));
        assertEquals("      negotiated: SEG_MAX|BLK_SIZE|FLUSH|TOPOLOGY|CONFIG_WCE|DISCARD|WRITE_ZEROES|INDIRECT_DESC|EVENT_IDX"
                + "|VERSION_1|IN_ORDER|NOTIFICATION_DATA", lines.get(row + 1));
    }

    @Test
    @RequiresQemu
    void listsQemuDrivesWithTheirOfferedFeatures() {
        Path first = SignedImages.raw(directory, "a.img", 2048);
        Path second = SignedImages.raw(directory, "b.img", 64);
        Cli.Result result = Cli.run("scan", first.toString(), second.toString(), "--read-only");
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().startsWith("QEMU emulator version"), result.out());
        assertTrue(result.out().lines().anyMatch(line -> line.matches(
                "31\\s+0x0a003e00\\s+block\\s+2048 \\(1 MiB\\)\\s+yes\\s+.*RO\\|.*FLUSH.*VERSION_1.*")), result.out());
        assertTrue(result.out().lines().anyMatch(line -> line.matches("30\\s+0x0a003c00\\s+block\\s+64 \\(32 KiB\\)\\s+yes.*")),
                result.out());
        assertTrue(result.out().contains("2 block device(s), 30 empty slot(s)"), result.out());
        assertTrue(result.out().lines().anyMatch(line -> line.matches("\\s+negotiated: .*RO\\|.*TOPOLOGY.*VERSION_1")),
                result.out());
    }

    @Test
    @RequiresQemu
    void showsTheTopologyQemuGivesForTheDrive() {
        Path image = SignedImages.raw(directory, "a.img", 2048);
        Cli.Result result = Cli.run("scan", image.toString(), "--device-property", "physical_block_size=4096",
                "--device-property", "opt_io_size=65536");
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().contains("      topology:   physical block 4 KiB, alignment offset 0 bytes, minimum I/O "
                + "not given, optimal I/O 64 KiB"), result.out());
    }

    @Test
    @RequiresQemu
    void listsPciDrivesWithTheirAddressAndAssignedBarsNextToMmioOnes() {
        Path mmio = SignedImages.raw(directory, "a.img", 2048);
        Path pci = SignedImages.raw(directory, "b.img", 64);
        Cli.Result result = Cli.run("scan", mmio.toString(), "--pci", pci.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().contains("1 block device(s), 31 empty slot(s)"), result.out());
        assertTrue(result.out().lines().anyMatch(line -> line.matches("00:00\\.0\\s+1b36:0008\\s+\\(class 0x060000, left alone\\)")),
                result.out());
        assertTrue(result.out().lines().anyMatch(line -> line.matches(
                "00:01\\.0\\s+block\\s+64 \\(32 KiB\\)\\s+no\\s+BAR1 0x10000000\\+0x1000, BAR4 0x10004000\\+0x4000 64-bit prefetchable; "
                        + ".*VERSION_1.*")), result.out());
        assertTrue(result.out().lines().anyMatch(line -> line.matches("\\s+negotiated: .*TOPOLOGY.*VERSION_1")), result.out());
        assertTrue(result.out().contains("         interrupts: INTx line 4 (the board names no MSI frame)"), result.out());
        assertTrue(result.out().contains("1 PCI block device(s), 2 function(s) on bus 0"), result.out());
    }

    @Test
    @RequiresQemu
    void withMsixAPciDriveListsItsVectorsLines() {
        Path pci = SignedImages.raw(directory, "b.img", 64);
        Cli.Result result = Cli.run("scan", "--pci", pci.toString(), "--msix");
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().contains("         interrupts: MSI-X, lines 48 to 49"), result.out());
    }

    @Test
    void refusesMsixWithoutPciImages() {
        Cli.Result result = Cli.run("scan", "--fake", "--msix");
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode(), result.toString());
        assertEquals("vblk scan: --msix gives the --pci functions MSI-X vectors: name at least one --pci IMAGE",
                result.err().strip());
    }

    @Test
    void refusesPciImagesOnTheFake() {
        Cli.Result result = Cli.run("scan", "--fake", "--pci", "x.img");
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode(), result.toString());
        assertTrue(result.err().contains("--fake has no PCI bus"), result.err());
        assertTrue(result.err().lines().count() == 1, result.err());
    }
}

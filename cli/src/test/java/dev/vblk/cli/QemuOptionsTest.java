package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The QEMU options of {@code record} and {@code scan}: the ones vblk cannot work with are refused before QEMU starts. */
class QemuOptionsTest {

    @TempDir
    Path directory;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--qemu-arg=-machine|--qemu-arg=virt,gic-version=3|QEMU option -machine cannot be used: vblk needs the virt board",
        "--qemu-arg|-m|QEMU option -m cannot be used",
        "--qemu-arg=-accel|--qemu-arg=tcg|QEMU option -accel cannot be used",
        "--qemu-arg|-S|QEMU option -S cannot be used: vblk already starts QEMU with the vCPU stopped",
        "--qemu-arg=--qtest|--qemu-arg=stdio|QEMU option --qtest cannot be used: vblk drives QEMU over its own qtest",
        "--qemu-arg=-object|--qemu-arg=memory-backend-ram,id=m,size=64M|QEMU option -object memory-backend-ram,id=m,size=64M cannot be used",
        "--qemu-arg=-serial|--qemu-arg=stdio|qtest owns QEMU's standard input and output",
        "--device-property|drive=x|--device-property drive=x cannot be used: vblk sets drive=",
        "--device-property|num-queues|--device-property takes KEY=VALUE",
        "--drive-option|format=qcow2|--drive-option: drive option format=qcow2 cannot be used: vblk sets format= itself",
    })
    void refusedWithOneLine(String option, String value, String message) throws Exception {
        Path image = Files.write(directory.resolve("disk.img"), new byte[4096]);
        for (String command : new String[] {"record", "scan"}) {
            Cli.Result result = command.equals("record")
                    ? Cli.run("record", image.toString(), "--preset", "discovery", option, value, "-o",
                            directory.resolve("t.trace.avro").toString())
                    : Cli.run("scan", image.toString(), option, value);
            assertEquals(ExitCodes.BAD_INPUT, result.exitCode(), result.toString());
            assertTrue(result.err().contains(message), result.err());
            assertEquals(1, result.err().lines().count(), result.err());
        }
        assertTrue(Files.notExists(directory.resolve("t.trace.avro")));
    }

    @Test
    void theFakeDeviceTakesNoQemuOptions() {
        Cli.Result result = Cli.run("record", "--fake", "--preset", "discovery", "--device-property", "num-queues=2");
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode(), result.toString());
        assertTrue(result.err().contains("leave out images, --format, --read-only, --error, --qemu and the QEMU options"),
                result.err());
    }

    @Test
    void attachingChecksItsOptionsFirst() throws Exception {
        Path socket = directory.resolve("qtest.sock");
        Cli.Result noQmp = Cli.run("record", "--attach", socket.toString(), "--preset", "discovery");
        assertEquals(ExitCodes.BAD_INPUT, noQmp.exitCode(), noQmp.toString());
        assertTrue(noQmp.err().contains("--attach needs --qmp QMP_SOCKET"), noQmp.err());

        Cli.Result alone = Cli.run("scan", "--shared-ram", "/dev/shm/x");
        assertEquals(ExitCodes.BAD_INPUT, alone.exitCode(), alone.toString());
        assertTrue(alone.err().contains("--qmp and --shared-ram go with --attach"), alone.err());

        Path image = Files.write(directory.resolve("disk.img"), new byte[4096]);
        Cli.Result withImage = Cli.run("scan", image.toString(), "--attach", socket.toString(), "--qmp", socket.toString());
        assertEquals(ExitCodes.BAD_INPUT, withImage.exitCode(), withImage.toString());
        assertTrue(withImage.err().contains("--attach drives the QEMU you started"), withImage.err());

        Cli.Result nobody = Cli.run("scan", "--attach", socket.toString(), "--qmp", directory.resolve("qmp.sock").toString());
        assertEquals(ExitCodes.PLATFORM_UNAVAILABLE, nobody.exitCode(), nobody.toString());
        assertTrue(nobody.err().contains("no QEMU listens at " + socket), nobody.err());
        assertEquals(1, nobody.err().lines().count(), nobody.err());
    }
}

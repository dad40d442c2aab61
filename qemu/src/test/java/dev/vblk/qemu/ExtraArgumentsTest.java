package dev.vblk.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which added QEMU arguments a configuration refuses, and which drive options. */
class ExtraArgumentsTest {

    @Test
    void devicesDrivesAndPropertiesAreAllowed() {
        assertEquals(Optional.empty(), ExtraArguments.problem(List.of("-global", "virtio-blk-device.num-queues=2",
                "-blockdev", "driver=file,filename=a.img,node-name=f0", "-device", "virtio-blk-device,drive=f0",
                "-object", "iothread,id=io0", "-smp", "1", "-serial", "null")));
    }

    @Test
    void whatChangesTheMachineOrTheChannelsIsRefused() {
        assertTrue(ExtraArguments.problem(List.of("-smp", "1", "-M", "virt")).orElseThrow().startsWith("QEMU option -M "));
        assertTrue(ExtraArguments.problem(List.of("-object", "memory-backend-memfd,id=m,size=64M")).orElseThrow()
                .contains("memory-backend-memfd"));
        assertTrue(ExtraArguments.problem(List.of("-chardev", "stdio,id=c0")).orElseThrow().contains("standard input"));
        assertTrue(ExtraArguments.problem(List.of("-global", "virtio-mmio.force-legacy=true")).isPresent());
        assertTrue(ExtraArguments.problem(List.of("--accel", "tcg")).isPresent());
        IllegalArgumentException config = assertThrows(IllegalArgumentException.class,
                () -> QemuConfig.builder().extraArgs("-qmp", "unix:/tmp/q").build());
        assertTrue(config.getMessage().contains("-qmp"), config.getMessage());
    }

    @Test
    void driveOptionsMayNotSetWhatVblkSets() {
        DriveConfig drive = DriveConfig.raw(Path.of("a.img"));
        assertEquals(List.of("cache=none"), drive.withOptions(List.of("cache=none")).options());
        assertThrows(IllegalArgumentException.class, () -> drive.withOptions(List.of("if=virtio")));
        assertThrows(IllegalArgumentException.class, () -> drive.withOptions(List.of("cache")));
    }
}

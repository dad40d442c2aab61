package dev.vblk.virtio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A virtio error's message names the device, the kind and what happened, and it takes no stack trace. */
class VirtioExceptionTest {

    @Test
    void messageNamesOwnerKindAndDetail() {
        VirtioException error = new VirtioException(VirtioException.Kind.OUT_OF_MEMORY, "virtio-blk@0x0a003e00",
                "the platform refused frames for a 4096-byte DMA buffer");
        assertEquals("virtio-blk@0x0a003e00: out of memory: the platform refused frames for a 4096-byte DMA buffer",
                error.getMessage());
        assertEquals(VirtioException.class.getName() + ": " + error.getMessage(), error.toString());
        assertEquals("the platform refused frames for a 4096-byte DMA buffer", error.detail());
    }

    @Test
    void takesNoStackTrace() {
        VirtioException error = new VirtioException(VirtioException.Kind.PROTOCOL_VIOLATION, "virtio-blk@0x0a003e00",
                "used index moved back");
        assertEquals(0, error.getStackTrace().length);
        error.fillInStackTrace();
        assertEquals(0, error.getStackTrace().length, "a trace asked for stays empty");
    }
}

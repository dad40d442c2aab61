package dev.vblk.block;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Error messages carry what failed and where. */
class BlockDeviceExceptionTest {

    @Test
    void messageNamesDeviceRequestSectorAndStatus() {
        BlockDeviceException error = BlockDeviceException.of(ErrorKind.IO_ERROR, "the device reported an I/O error")
                .device(new BlockDeviceId(2, 0x0a003e00L)).request(RequestType.READ, 9, 1).statusByte(1).build();
        assertEquals("virtio-blk@0x0a003e00: io error on read at sector 9 (1 sector), status byte 1: "
                + "the device reported an I/O error", error.getMessage());
        assertEquals(9, error.sector().orElseThrow());
        assertEquals(1, error.statusByte().orElseThrow());
        assertEquals(RequestType.READ, error.requestType());
        assertEquals("virtio-blk@0x0a003e00", error.device());
        assertEquals(BlockDeviceException.class.getName() + ": " + error.getMessage(), error.toString());
    }

    @Test
    void contextIsOptional() {
        BlockDeviceException error = BlockDeviceException.of(ErrorKind.TIMEOUT, "no completion").build();
        assertEquals("timeout: no completion", error.getMessage());
        assertEquals(true, error.sector().isEmpty());
        assertEquals(true, error.statusByte().isEmpty());
    }

    @Test
    void aDetailFollowedByItsCauseEndsWithTheCausesMessage() {
        BlockDeviceException cause = BlockDeviceException.of(ErrorKind.FLUSH_FAILED, "the device failed a flush").build();
        BlockDeviceException error = BlockDeviceException.of(ErrorKind.FLUSH_FAILED, "unusable, after: ")
                .detailFollowedByCause().request(RequestType.READ).build(cause);
        assertEquals("flush failed on read: unusable, after: flush failed: the device failed a flush", error.getMessage());
        assertEquals("timeout: no cause", BlockDeviceException.of(ErrorKind.TIMEOUT, "no cause").detailFollowedByCause()
                .build().getMessage());
    }
}

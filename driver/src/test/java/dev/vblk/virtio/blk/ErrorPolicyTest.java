package dev.vblk.virtio.blk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.BlockDeviceId;
import dev.vblk.block.ErrorKind;
import dev.vblk.block.RequestType;
import dev.vblk.platform.PlatformException;
import dev.vblk.virtio.VirtioException;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** How the error policy turns failures below the block layer into block errors, and what it remembers. */
class ErrorPolicyTest {

    private final ErrorPolicy policy = new ErrorPolicy(new BlockDeviceId(2, 0x0a00_3e00L));

    @Test
    void onlyClosingMakesTheDeviceClosed() {
        assertFalse(policy.closed());
        policy.note(policy.error(ErrorKind.TIMEOUT, "no answer").build(), RequestType.READ);
        assertTrue(policy.fatal().isPresent());
        assertFalse(policy.closed(), "a fatal error is not a close");

        policy.clear();
        policy.close();
        assertTrue(policy.closed());
        assertEquals(ErrorKind.ABORTED, policy.fatal().orElseThrow().kind());
    }

    @Test
    void aBlockErrorPassesThroughAndIsNoted() {
        BlockDeviceException timeout = policy.error(ErrorKind.TIMEOUT, "no answer").build();

        assertSame(timeout, policy.translate(timeout, RequestType.WRITE, 8, 1));
        assertSame(timeout, policy.fatal().orElseThrow(), "a fatal kind makes the device unusable");
    }

    @Test
    void aPlatformFailureOfARequestNamesTheRequest() {
        BlockDeviceException error = policy.translate(new PlatformException("bus error"), RequestType.READ, 40, 2);

        assertEquals(ErrorKind.PLATFORM_ERROR, error.kind());
        assertEquals(RequestType.READ, error.requestType());
        assertEquals(OptionalLong.of(40), error.sector());
        assertSame(error, policy.fatal().orElseThrow());
    }

    @Test
    void aPlatformFailureOutsideARequestNamesNone() {
        BlockDeviceException error = policy.translate(new PlatformException("bus error"), null, 40, 2);

        assertEquals(ErrorKind.PLATFORM_ERROR, error.kind());
        assertNull(error.requestType());
        assertEquals(OptionalLong.empty(), error.sector());
    }

    @Test
    void aVirtioFailureKeepsItsKindAndNamesInitialisation() {
        VirtioException refused = new VirtioException(VirtioException.Kind.FEATURE_NEGOTIATION_FAILED, "dev", "refused");

        BlockDeviceException duringInit = policy.translate(refused, RequestType.INIT, 0, 0);
        assertEquals(ErrorKind.FEATURE_NEGOTIATION_FAILED, duringInit.kind());
        assertEquals(RequestType.INIT, duringInit.requestType());

        policy.clear();
        BlockDeviceException later = policy.translate(
                new VirtioException(VirtioException.Kind.UNSUPPORTED, "dev", "no"), RequestType.READ, 0, 1);
        assertEquals(ErrorKind.UNSUPPORTED, later.kind());
        assertNull(later.requestType(), "outside initialisation a virtio error names no request");
        assertTrue(policy.fatal().isEmpty(), "an unsupported request leaves the device usable");
    }
}

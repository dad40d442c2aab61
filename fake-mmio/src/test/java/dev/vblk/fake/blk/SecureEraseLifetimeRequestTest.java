package dev.vblk.fake.blk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.fake.violation.ViolationKind;
import dev.vblk.platform.AccessWidth;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * VirtIO 1.2's secure erase and lifetime report at the register level: the configuration space grows
 * to 72 bytes with the secure-erase limits when SECURE_ERASE is offered (as configured, zeroes
 * included), a secure erase zeroes its ranges within those limits, GET_LIFETIME answers the configured
 * values (reserved ones included), and neither command is taken unless negotiated.
 */
class SecureEraseLifetimeRequestTest {

    private static final long BOTH = VirtioBlk.bit(VirtioBlk.F_SECURE_ERASE) | VirtioBlk.bit(VirtioBlk.F_LIFETIME);

    private final InMemoryDisk disk = InMemoryDisk.ofSectors(64);

    private FakeBlkConfig.Builder offering() {
        return FakeBlkConfig.builder().disk(disk).offerSecureErase(true).offerLifetime(true)
                .secureErase(new FakeBlkConfig.SecureEraseLimits(4, 1, 2)).lifetime(new FakeBlkConfig.Lifetime(4, 11, 0xffff));
    }

    @Test
    void theConfigurationSpaceHoldsTheSecureEraseLimitsWhenOffered() {
        RegisterLevelDriver d = new RegisterLevelDriver(FakePlatform.create(),
                offering().secureErase(new FakeBlkConfig.SecureEraseLimits(0, 0, 0)).build());
        assertEquals(0, d.readConfig(60, AccessWidth.WORD));
        assertEquals(0, d.readConfig(64, AccessWidth.WORD));
        assertEquals(0, d.readConfig(68, AccessWidth.WORD));
        assertTrue(d.platform.violations().isEmpty(), d.platform.violations().toString());
        RegisterLevelDriver limits = new RegisterLevelDriver(FakePlatform.create(), offering().build());
        assertEquals(4, limits.readConfig(60, AccessWidth.WORD));
        assertEquals(1, limits.readConfig(64, AccessWidth.WORD));
        assertEquals(2, limits.readConfig(68, AccessWidth.WORD));

        RegisterLevelDriver plain = new RegisterLevelDriver(FakePlatform.create(), FakeBlkConfig.builder().build());
        assertEquals(0xffffffffL, plain.readConfig(60, AccessWidth.WORD));
        assertEquals(ViolationKind.CONFIG_OUT_OF_RANGE, plain.platform.violations().get(0).kind(),
                "without SECURE_ERASE the space ends where write zeroes' fields do");
    }

    @Test
    void aSecureEraseZeroesItsRangesWithinTheLimits() {
        byte[] pattern = new byte[8 * 512];
        Arrays.fill(pattern, (byte) 0x5a);
        disk.write(0, pattern, 0, pattern.length);
        RegisterLevelDriver d = RegisterLevelDriver.ready(offering().build(), BOTH);
        assertEquals(VirtioBlk.S_OK, d.status(d.ranged(VirtioBlk.T_SECURE_ERASE, 2, 4, 0)));
        assertEquals(VirtioBlk.S_IOERR, d.status(d.ranged(VirtioBlk.T_SECURE_ERASE, 0, 6, 0)), "above max_secure_erase_sectors");
        assertEquals(VirtioBlk.S_IOERR, d.status(d.ranged(VirtioBlk.T_SECURE_ERASE, 1, 2, 0)), "not aligned to 2 sectors");
        assertEquals(VirtioBlk.S_UNSUPP, d.status(d.ranged(VirtioBlk.T_SECURE_ERASE, 0, 2, 1)), "flags are reserved");
        byte[] after = new byte[8 * 512];
        disk.read(0, after, 0, after.length);
        byte[] expected = pattern.clone();
        Arrays.fill(expected, 2 * 512, 6 * 512, (byte) 0);
        assertArrayEquals(expected, after);
    }

    @Test
    void getLifetimeAnswersTheConfiguredReportReservedValuesIncluded() {
        RegisterLevelDriver d = RegisterLevelDriver.ready(offering().build(), BOTH);
        RegisterLevelDriver.Submitted report = d.request(VirtioBlk.T_GET_LIFETIME, 0, 6, true, null);
        assertEquals(VirtioBlk.S_OK, d.status(report));
        assertArrayEquals(new byte[] {4, 0, 11, 0, (byte) 0xff, (byte) 0xff}, d.data(report, 6));
        assertEquals(7, d.usedLen(0));
    }

    @Test
    void neitherCommandIsTakenUnlessNegotiated() {
        RegisterLevelDriver d = RegisterLevelDriver.ready(offering().build());
        assertEquals(VirtioBlk.S_UNSUPP, d.status(d.request(VirtioBlk.T_GET_LIFETIME, 0, 6, true, null)));
        assertEquals(VirtioBlk.S_UNSUPP, d.status(d.ranged(VirtioBlk.T_SECURE_ERASE, 0, 2, 0)));
    }
}

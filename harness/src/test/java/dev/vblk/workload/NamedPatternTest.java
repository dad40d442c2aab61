package dev.vblk.workload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vblk.qemu.testkit.DiskImages;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NamedPatternTest {

    @Test
    void signatureIsTheSignatureOfQemusTestImages() {
        for (long sector : new long[] {0, 1, 9, 255, 256, 2047, 1L << 33}) {
            assertArrayEquals(DiskImages.signature(sector), NamedPattern.SIGNATURE.sector(sector), "sector " + sector);
        }
    }

    @Test
    void complementInvertsEveryByteOfTheSignature() {
        byte[] signature = NamedPattern.SIGNATURE.sector(77);
        byte[] complement = NamedPattern.COMPLEMENT.sector(77);
        for (int i = 0; i < signature.length; i++) {
            assertEquals((byte) ~signature[i], complement[i]);
        }
    }

    @Test
    void sectorsAreConsecutiveSectorPatterns() {
        byte[] three = NamedPattern.COMPLEMENT.sectors(10, 3);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(NamedPattern.COMPLEMENT.sector(10 + i), Arrays.copyOfRange(three, i * 512, i * 512 + 512));
        }
        assertArrayEquals(new byte[1024], NamedPattern.ZEROS.sectors(5, 2));
    }

    @Test
    void workloadNamesAreLowerCase() {
        assertEquals(Optional.of(NamedPattern.COMPLEMENT), NamedPattern.named("complement"));
        assertEquals(Optional.empty(), NamedPattern.named("COMPLEMENT"));
    }
}

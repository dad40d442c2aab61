package dev.vblk.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OperationOutcomeTest {

    private static final byte[] DATA = data(9000, 1);

    @Test
    void anOutcomeKeepingItsDataEqualsTheOneWithItsDigest() {
        OperationOutcome.Succeeded kept = OperationOutcome.Succeeded.returning(DATA.clone());
        OperationOutcome.Succeeded digested = OperationOutcome.Succeeded.ofData(DATA);

        assertEquals(digested, kept);
        assertEquals(kept, digested);
        assertEquals(digested.hashCode(), kept.hashCode());
        assertArrayEquals(digested.sha256(), kept.sha256());
        assertEquals(digested.toString(), kept.toString());
        assertEquals(OperationOutcome.Succeeded.ofNothing(), OperationOutcome.Succeeded.returning(new byte[0]));
    }

    @Test
    void outcomesKeepingTheirDataCompareTheBytesWhateverTheirPieces() {
        ByteSlices.Builder pieces = new ByteSlices.Builder();
        byte[] padded = new byte[DATA.length + 100];
        System.arraycopy(DATA, 0, padded, 50, DATA.length);
        pieces.add(padded, 50, 4096);
        pieces.add(padded, 50 + 4096, 0);
        pieces.add(Arrays.copyOfRange(DATA, 4096, 5000), 0, 904);
        pieces.add(padded, 50 + 5000, DATA.length - 5000);
        OperationOutcome.Succeeded inPieces = OperationOutcome.Succeeded.returning(pieces.build());

        assertEquals(OperationOutcome.Succeeded.returning(DATA.clone()), inPieces);
        assertEquals(OperationOutcome.Succeeded.ofData(DATA), inPieces);
        for (int at : new int[] {0, 4095, 4096, 4999, 5000, DATA.length - 1}) {
            byte[] other = DATA.clone();
            other[at] ^= 1;
            assertNotEquals(OperationOutcome.Succeeded.returning(other), inPieces, "byte " + at);
            assertNotEquals(inPieces, OperationOutcome.Succeeded.returning(other), "byte " + at);
        }
        assertNotEquals(OperationOutcome.Succeeded.returning(Arrays.copyOf(DATA, DATA.length - 1)), inPieces);
        assertNotEquals(OperationOutcome.Succeeded.returning(Arrays.copyOf(DATA, DATA.length + 1)), inPieces);
    }

    @Test
    void oneOrThreePiecesHoldTheirBytesToo() {
        ByteSlices.Builder one = new ByteSlices.Builder();
        one.add(DATA, 0, DATA.length);
        assertEquals(OperationOutcome.Succeeded.returning(DATA.clone()), OperationOutcome.Succeeded.returning(one.build()));
        ByteSlices.Builder three = new ByteSlices.Builder();
        three.add(DATA, 0, 10);
        three.add(DATA, 10, 100);
        three.add(DATA, 110, DATA.length - 110);
        OperationOutcome.Succeeded inThree = OperationOutcome.Succeeded.returning(three.build());
        assertEquals(OperationOutcome.Succeeded.returning(DATA.clone()), inThree);
        assertEquals(OperationOutcome.Succeeded.ofData(DATA), inThree);
    }

    private static byte[] data(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}

package dev.vblk.fuzz.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The accesses of a call read back in order, however many there are, until they are cleared. */
class RegisterAccessesTest {

    @Test
    void accessesReadBackInOrderPastTheFirstArrays() {
        RegisterAccesses accesses = new RegisterAccesses();
        for (int i = 0; i < 1000; i++) {
            accesses.add(4 * (i % 64), i % 3 == 0, 7L * i);
        }
        assertEquals(1000, accesses.size());
        for (int i = 0; i < 1000; i++) {
            assertEquals(4 * (i % 64), accesses.offset(i));
            assertEquals(i % 3 == 0, accesses.write(i));
            assertEquals(7L * i, accesses.value(i));
        }
        accesses.clear();
        assertEquals(0, accesses.size());
        assertThrows(IndexOutOfBoundsException.class, () -> accesses.value(0));
    }
}

package dev.vblk.fuzz.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The data a generated write carries, and how register overrides read in findings. */
class StepTest {

    @Test
    void aWriteCarriesItsPatternByteForByte() {
        for (int pattern : new int[] {0, 1, 2, 37, 255, 256, -1, -300, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            for (int count : new int[] {0, 1, 3, 257}) {
                byte[] data = new ScenarioStep.Write(5, count, pattern).data();
                assertEquals(count * 512, data.length);
                for (int i = 0; i < data.length; i++) {
                    assertEquals((byte) (pattern * 7 + i * 13 + (i >>> 9)), data[i], "pattern " + pattern + ", byte " + i);
                }
            }
        }
    }

    @Test
    void anOverrideNamesItsRegisterAndValue() {
        assertEquals("QueueNumMax reads 0xffffffff", new RegisterOverride(0x34, -1).toString());
        assertEquals("+0x0f0 reads 0x0", new RegisterOverride(0x0f0, 0).toString());
        assertEquals("config+0x20 reads 0x1f", new RegisterOverride(0x120, 0x1f).toString());
        assertEquals("device: Status reads normally", new ScenarioStep.ClearOverride(0x70).toString());
    }
}

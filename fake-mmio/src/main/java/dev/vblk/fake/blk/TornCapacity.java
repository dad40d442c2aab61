package dev.vblk.fake.blk;

/**
 * The capacity field of a device telling a {@link ConfigTear}: armed with a passing value, it shows
 * that value from the driver's next read of the capacity's low 32 bits alone until its next read
 * that covers the high 32 bits, and then the true capacity again. Each switch is a configuration
 * change, which the caller marks in ConfigGeneration.
 */
final class TornCapacity {

    private enum State { IDLE, ARMED, SHOWING }

    private State state = State.IDLE;
    private long passing;

    /** Shows {@code capacity} across the driver's next read of the capacity's two halves. */
    void arm(long capacity) {
        passing = capacity;
        state = State.ARMED;
    }

    /** The capacity the configuration space holds now, given the true one. */
    long capacity(long trueCapacity) {
        return state == State.SHOWING ? passing : trueCapacity;
    }

    /**
     * Notes a configuration read of {@code bytes} at {@code offset}, made after its value was taken.
     *
     * @return whether the capacity field changed (then the generation must change)
     */
    boolean afterRead(int offset, int bytes) {
        boolean low = offset < 4 && offset + bytes > 0;
        boolean high = offset < 8 && offset + bytes > 4;
        if (state == State.ARMED && low && !high) {
            state = State.SHOWING;
            return true;
        }
        if (state == State.SHOWING && high) {
            state = State.IDLE;
            return true;
        }
        return false;
    }

    /** Forgets the tear (a device reset). */
    void reset() {
        state = State.IDLE;
    }
}

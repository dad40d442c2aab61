package dev.vblk.fuzz.guided;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * A {@link Random} whose every draw comes from the fuzzer's bytes, four bytes a draw, so that
 * generators written for a random source (the jqwik arbitraries of the scenario model) build their
 * values from the input the fuzzer mutates. Once the bytes are used up the draws come from a
 * fixed-seed generator, so the same input always builds the same value.
 */
public final class FuzzerRandom extends Random {

    /** The seed of the draws after the fuzzer's bytes. */
    static final long FALLBACK_SEED = 0x5eed_f022L;

    private final FuzzedDataProvider data;
    private final SplittableRandom fallback = new SplittableRandom(FALLBACK_SEED);

    /** Draws from {@code data}, which the caller leaves to this source from now on. */
    public FuzzerRandom(FuzzedDataProvider data) {
        super(0);
        this.data = data;
    }

    @Override
    protected int next(int bits) {
        int word = data.remainingBytes() >= Integer.BYTES ? data.consumeInt() : fallback.nextInt();
        return word >>> (Integer.SIZE - bits);
    }
}

package dev.vblk.fuzz.coverage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The coverage set against a plain set of the same keys: adds, merges, new keys in order, counts. */
class BehaviourCoverageTest {

    @Test
    void keepsEachKeyOnceAndReportsTheNewOnesInOrder() {
        SplittableRandom random = new SplittableRandom(3);
        BehaviourCoverage reached = new BehaviourCoverage();
        Set<Long> reachedKeys = new HashSet<>();
        for (int run = 0; run < 50; run++) {
            BehaviourCoverage one = new BehaviourCoverage();
            Set<Long> oneKeys = new HashSet<>();
            for (int access = 0; access < 400; access++) {
                boolean write = random.nextBoolean();
                int offset = random.nextInt(0x200);
                long value = random.nextInt(4) == 0 ? random.nextLong() : random.nextInt(300);
                long key = (write ? 1L << 62 : 0) | ((long) offset << 40) | BehaviourCoverage.valueClass(value);
                assertEquals(oneKeys.add(key), one.add(write, offset, value));
            }
            assertEquals(oneKeys.size(), one.size());
            Set<Long> fresh = new HashSet<>(oneKeys);
            fresh.removeAll(reachedKeys);
            List<Long> expected = new ArrayList<>(fresh);
            expected.sort(null);
            assertEquals(expected, reached.addAll(one));
            reachedKeys.addAll(oneKeys);
            assertEquals(reachedKeys.size(), reached.size());
        }
    }

    @Test
    void theReadOfZeroAtOffsetZeroIsAKeyLikeAnyOther() {
        BehaviourCoverage coverage = new BehaviourCoverage();
        assertEquals(true, coverage.add(false, 0, 0));
        assertEquals(false, coverage.add(false, 0, 0));
        assertEquals(List.of(0L), new BehaviourCoverage().addAll(coverage));
    }
}

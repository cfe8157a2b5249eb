package io.github.balancedbatch.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PoolsTest {
    private static int[] drawAll(Pools pools, int base, int n, long seed) {
        int[] out = new int[n];
        pools.draw(base, n, new BoundedRandom(seed), out, 0);
        return out;
    }

    /** After a restart, a segment is back in canonical order whether it was undone or copied. */
    @Test
    void restartRestoresCanonicalOrderAfterFewOrManyDraws() {
        int n = 10_000;
        int[] canon = new int[n + 3];
        for (int i = 0; i < canon.length; i++) {
            canon[i] = 3 * i + 1; // ascending, as the class index keeps rows
        }
        int[] offsets = {0, 3, n + 3};
        for (int drawn : new int[] {1, 5, 39, 40, 2_000, n, n + 7}) {
            Pools fresh = new Pools(canon, offsets);
            Pools used = new Pools(canon, offsets);
            int base = used.base(1);
            int[] sink = new int[n + 7];
            used.draw(base, drawn, new BoundedRandom(drawn), sink, 0);
            used.restart();
            int[] again = drawAll(used, base, n, 99);
            assertArrayEquals(drawAll(fresh, fresh.base(1), n, 99), again, "after " + drawn + " draws");
            int[] sorted = again.clone();
            Arrays.sort(sorted);
            assertArrayEquals(Arrays.copyOfRange(canon, 3, n + 3), sorted);
        }
    }

    @Test
    void basesNameSegmentsBothWays() {
        Pools p = new Pools(new int[] {1, 2, 3, 4, 5}, new int[] {0, 2, 2, 5});
        for (int s = 0; s < 3; s++) {
            assertEquals(s, p.segment(p.base(s)));
        }
        assertEquals(4L * (5 + 12 + 3), p.heapBytes());
    }
}

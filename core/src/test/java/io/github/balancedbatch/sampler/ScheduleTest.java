package io.github.balancedbatch.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScheduleTest {

    /**
     * The spacing guarantee: for every epoch length B up to 600 and every quota q, the q steps
     * {@code m * t mod B} of a progression with the chosen stride t have cyclic gaps below 3 B / q.
     */
    @Test
    void strideSpreadsEveryProgression() {
        for (int b = 1; b <= 600; b++) {
            int t = Schedule.stride(b);
            assertTrue(b == 1 ? t == 0 : t >= 1 && t < b && gcd(t, b) == 1, "stride " + t + " for B=" + b);
            boolean[] hit = new boolean[b];
            for (int q = 1; q <= b; q++) {
                hit[(int) ((long) (q - 1) * t % b)] = true;
                int first = -1;
                int last = -1;
                int maxGap = 0;
                for (int i = 0; i < b; i++) {
                    if (hit[i]) {
                        if (first < 0) {
                            first = i;
                        } else {
                            maxGap = Math.max(maxGap, i - last);
                        }
                        last = i;
                    }
                }
                maxGap = Math.max(maxGap, first + b - last);
                assertTrue(maxGap < 3.0 * b / q || q == 1, "B=" + b + ", q=" + q + ", stride " + t + ": gap " + maxGap);
            }
        }
    }

    @Test
    void strideOfLargeEpochsIsCoprimeAndNearTheGoldenRatio() {
        for (int b : new int[] {1_000_003, 1 << 20, 3 * 5 * 7 * 11 * 13 * 17 * 19, Integer.MAX_VALUE}) {
            int t = Schedule.stride(b);
            assertEquals(1, gcd(t, b), "B=" + b);
            assertTrue(Math.abs(t - b * 0.618034) < 64, "B=" + b + ", stride " + t);
        }
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}

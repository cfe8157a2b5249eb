package io.github.balancedbatch.bench;

import io.github.balancedbatch.bench.naive.NaiveBatchGenerator;
import io.github.balancedbatch.sampler.BatchCursor;
import io.github.balancedbatch.sampler.ClassIndex;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.Locale;

/**
 * Prints the heap footprint of the sampler on each standard workload, in bytes per sample, next to
 * the target (about 8 bytes per sample plus a few ints per class) and the naive baseline:
 * <ul>
 *   <li>computed: {@link ClassIndex#heapBytes()}, {@link BatchCursor#heapBytes()} and their sum
 *       (array contents, headers excluded);</li>
 *   <li>retained: used heap after full collections, before and after building the index, then the
 *       cursor (and, separately, the naive generator), the median of {@value #REPEATS} builds. The
 *       labels are made before the first reading and do not count.</li>
 * </ul>
 * The last column spreads what the computed sum holds beyond 8 bytes per sample over the classes:
 * (sum - 8 N) / C bytes per class (it includes the cursor's per-batch scratch arrays, which
 * dominate when C is tiny).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.github.balancedbatch.bench.Footprint}
 * (no JVM flags needed; the readings rely on {@code System.gc()} being a full collection, as it is
 * with the default collector; do not run it with {@code -XX:+DisableExplicitGC}).
 */
public final class Footprint {
    static final int REPEATS = 5;

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private Footprint() {
    }

    public static void main(String[] args) {
        System.out.println("Heap bytes per sample (computed = heapBytes(); retained = used heap after GC,"
                + " median of " + REPEATS + ")");
        System.out.println("target: about 8 B/sample for index + cursor, plus a few ints per class");
        System.out.println();
        System.out.println(String.format(Locale.ROOT, "%-8s %9s %7s | %8s %8s %8s | %8s %8s %8s | %8s | %11s",
                "workload", "N", "C", "index", "cursor", "sum", "index", "cursor", "sum", "naive",
                "over 8N"));
        System.out.println(String.format(Locale.ROOT, "%-8s %9s %7s | %26s | %26s | %8s | %11s",
                "", "", "", "computed B/sample", "retained B/sample", "retained", "B/class"));
        for (Workload w : Workload.values()) {
            System.out.println(row(w));
        }
    }

    private static String row(Workload w) {
        int[] labels = w.labels();
        int n = labels.length;
        long[] indexRetained = new long[REPEATS];
        long[] cursorRetained = new long[REPEATS];
        long[] naiveRetained = new long[REPEATS];
        long indexBytes = 0;
        long cursorBytes = 0;
        int classes = 0;
        for (int r = 0; r < REPEATS; r++) {
            long before = usedAfterGc();
            ClassIndex index = ClassIndex.of(labels);
            long withIndex = usedAfterGc();
            BatchCursor cursor = w.sampler(index).cursor(0, 0);
            long withCursor = usedAfterGc();
            indexRetained[r] = withIndex - before;
            cursorRetained[r] = withCursor - withIndex;
            indexBytes = index.heapBytes();
            cursorBytes = cursor.heapBytes();
            classes = index.classCount();
            Reference.reachabilityFence(index);
            Reference.reachabilityFence(cursor);
        }
        for (int r = 0; r < REPEATS; r++) {
            long before = usedAfterGc();
            NaiveBatchGenerator naive = w.naive(labels);
            naiveRetained[r] = usedAfterGc() - before;
            Reference.reachabilityFence(naive);
        }
        double idx = median(indexRetained);
        double cur = median(cursorRetained);
        long sum = indexBytes + cursorBytes;
        return String.format(Locale.ROOT, "%-8s %,9d %,7d | %8.2f %8.2f %8.2f | %8.2f %8.2f %8.2f | %8.2f | %11.1f",
                w, n, classes,
                (double) indexBytes / n, (double) cursorBytes / n, (double) sum / n,
                idx / n, cur / n, (idx + cur) / n,
                median(naiveRetained) / n,
                (double) (sum - 8L * n) / classes);
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    private static double median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
    }
}

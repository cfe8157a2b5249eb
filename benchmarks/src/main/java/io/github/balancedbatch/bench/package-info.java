/**
 * JMH benchmarks of balanced-batch against a naive port of the seed's algorithm
 * ({@link io.github.balancedbatch.bench.naive.NaiveBatchGenerator}), on the standard workloads of
 * SPEC §4 ({@link io.github.balancedbatch.bench.Workload}: mnist, seed, faceid).
 *
 * <ul>
 *   <li>{@link io.github.balancedbatch.bench.IndexBenchmark}: indices per batch; naive, fast and a
 *       {@code floor} of P*K bare random draws.</li>
 *   <li>{@link io.github.balancedbatch.bench.GatherBenchmark}: rows per batch at D = 64, 512, 2048;
 *       naive, fast, and two references: a row-by-row {@code System.arraycopy} loop and one
 *       contiguous copy of the same bytes.</li>
 *   <li>{@link io.github.balancedbatch.bench.BatchBenchmark}: indices + rows + labels, mean and
 *       latency percentiles.</li>
 *   <li>{@link io.github.balancedbatch.bench.ScalingBenchmark}: indices per batch as N and C grow
 *       100-fold; {@link io.github.balancedbatch.bench.BuildBenchmark}: building the index and a
 *       cursor for one million samples.</li>
 *   <li>{@link io.github.balancedbatch.bench.Footprint}: a plain {@code main} printing heap bytes
 *       per sample.</li>
 * </ul>
 *
 * <h2>Running</h2>
 * <pre>
 * mvn -B -DskipTests package
 * java -jar benchmarks/target/benchmarks.jar                       # the whole suite, defaults
 * java -jar benchmarks/target/benchmarks.jar IndexBenchmark -p workload=seed -prof gc
 * java -cp benchmarks/target/benchmarks.jar io.github.balancedbatch.bench.Footprint
 * </pre>
 * Defaults: one fork per benchmark and parameter set, 2 warm-up and 3 measured iterations of 1 s,
 * so that the whole suite (65 trials: index 9, gather 36, batch 12 (two modes), scaling 6, build 2)
 * finishes in about 8.5 minutes on a 2-core virtual machine; a gather trial spends up to 6 s more in
 * setup writing its 1 GiB data set. For results to publish, raise the counts
 * ({@code -wi 3 -i 5 -f 2}) on the benchmarks of interest. Results are per batch (ns), build times
 * in ms.
 *
 * <h2>JVM flags</h2>
 * Every fork appends {@code -Xmx3g -Xmn128m -XX:+AlwaysPreTouch}, nothing else. They make the
 * allocating baselines ({@code naive}) reach the steady state of a long-running training loop
 * within the warm-up, and change nothing for the methods that do not allocate:
 * <ul>
 *   <li>{@code -Xmx3g} makes runs comparable across machines (the default heap is a quarter of
 *       physical memory) and bounds direct memory too; a trial holds at most one 1 GiB data copy.</li>
 *   <li>{@code -Xmn128m} keeps the young generation small, so that eden is recycled many times a
 *       second instead of growing through gigabytes of fresh memory for the whole run.</li>
 *   <li>{@code -XX:+AlwaysPreTouch} touches every heap page when it is committed (about 0.5 s at
 *       fork start), so that no measured allocation pays for a first page touch. On virtual machines
 *       a first touch costs 5-20 microseconds per 4 KiB page; without these two flags the naive
 *       gather measured page faults, not copying (seed x 512: about 10 ms per batch instead of
 *       about 0.5 ms; faceid x 2048: 1.5 ms for several iterations, then 0.3 ms).</li>
 * </ul>
 * States that build a heap data set call {@code System.gc()} once at the end of their setup, so
 * that its promotion to the old generation happens before the warm-up rather than during it.
 *
 * <h2>Rules the benchmarks follow</h2>
 * One {@code @State} per concern (parameters and labels shared in {@code Scope.Benchmark}; each
 * implementation's mutable cursor or generator in {@code Scope.Thread}), one-line benchmark bodies
 * that return their result, the reference baselines in the same class, fixed seeds, fresh row indices
 * for every gathered batch, and every state dropping its data in {@code @TearDown} (direct buffers
 * are freed by the garbage collector; pipelines are closed). The steps the index and batch
 * benchmarks share are plain classes that their states hold: labels grouped into a
 * {@code ClassIndex} ({@code GroupedLabels}, shared by all threads) and one thread's cursor with its
 * reused row array ({@code CursorRows}). {@code BenchmarksTest} runs each setup and method once on
 * mnist and checks the results; no test asserts a time.
 */
package io.github.balancedbatch.bench;

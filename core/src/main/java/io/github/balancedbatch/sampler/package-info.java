/**
 * The index-only class-balanced sampler: P classes x K samples per class, as row indices.
 *
 * <h2>Contract</h2>
 * <ol>
 *   <li>Every batch holds exactly P distinct classes and K row indices of each.</li>
 *   <li>A class of at least K samples never repeats a row inside a batch; a smaller class cycles
 *       through its rows so each appears floor(K/n) or ceil(K/n) times.</li>
 *   <li>Inside a class, rows are drawn without replacement from a pool that carries over from batch
 *       to batch within an epoch: no row is drawn twice before all rows of its class were drawn.</li>
 *   <li>Within an epoch, the numbers of batches in which two classes appear differ by at most 1
 *       (classes are dealt from a shuffled deck, one pass of the deck after another).</li>
 *   <li>Without shuffling, classes go round-robin in label order and rows in data-set order.</li>
 *   <li>Batches are grouped (K consecutive rows per class) unless mixing is on.</li>
 *   <li>Epoch {@code e} is a pure function of (labels, parameters, seed, e); a cursor chains
 *       epochs endlessly and can be positioned at any (epoch, batch).</li>
 *   <li>Shards: rank r of W gets P whole classes of each step's P*W-class global batch; the ranks'
 *       batches concatenated in rank order equal the batch of one process with P*W classes.</li>
 *   <li>Class-choice strategies (SPEC §5) replace item 4: with a class weighting power q or
 *       progressive balancing, each class appears in every epoch within 1 of its water-filled
 *       target (at most once per batch), its appearances spread over the epoch; classes below a
 *       minimum size are never chosen. Items 1-3 and 5-8 hold unchanged.</li>
 *   <li>Categories ({@link io.github.balancedbatch.sampler.CategoryIndex}, every class in one):
 *       with Q categories per batch, a batch holds Q distinct categories and P / Q distinct classes
 *       of each, category by category unless mixed; within an epoch two usable categories'
 *       appearance counts differ by at most 1 (a strategy weighs categories instead, with item 9's
 *       quotas), and so do those of two classes of one category. Categories with fewer than P / Q
 *       eligible classes are never chosen. Shards get Q whole categories each; items 1-3 and 5-8
 *       hold unchanged.</li>
 *   <li>Multi-label data ({@link io.github.balancedbatch.sampler.ClassIndex#ofMultiLabel},
 *       {@link io.github.balancedbatch.sampler.ClassIndex#ofMultiHot}): a batch holds P distinct
 *       anchor labels and K samples holding each; a sample is in the pool of each of its labels, and
 *       drawing it for one does not consume it for another (item 3 holds per label). No sample
 *       appears twice in a (global) batch while the anchor has K samples not yet in it: a sample
 *       already in the batch stays undrawn in the anchor's pass, and a pass ends early only when all
 *       it has not drawn is already in the batch; an anchor with a &lt; K samples outside the batch
 *       takes each floor(K/a) or ceil(K/a) times. Anchors are dealt as classes (item 4, item 9 weighing
 *       labels by frequency); the default epoch covers every membership: ceil(M / (P * W * K)) for M
 *       = the sum of the samples' label counts. Items 5-8 hold unchanged; categories are refused
 *       once a sample holds several labels.</li>
 * </ol>
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Layout.</b> {@link io.github.balancedbatch.sampler.ClassIndex} keeps one {@code int[]} of
 *       row indices grouped by class and one offset per class (4 bytes per sample). Each
 *       {@link io.github.balancedbatch.sampler.BatchCursor} keeps a working copy that it shuffles in
 *       place (4 more bytes per sample) in which each class's rows follow a 4-int header (size,
 *       position, stamp, origin), so that a small class is one cache line; all chosen classes'
 *       headers are loaded before any is drawn, so their cache misses overlap.</li>
 *   <li><b>Lazy shuffling.</b> Each draw is one step of Fisher-Yates: pick uniformly among the rows
 *       of the class not yet drawn in this pass and swap it forward. Nothing is shuffled up front, so
 *       a batch costs O(P*K) whatever the data set's size. When a pass runs out inside a batch, the
 *       rows this batch already took are kept for the end of the next pass (they sit at the tail of
 *       the finished pass, so this costs nothing); the same mechanism deals the classes.</li>
 *   <li><b>Epochs.</b> A new epoch resets every class lazily (a generation stamp): a class is put
 *       back in canonical order at its first draw of the epoch, by copying its rows, or, for a huge
 *       class drawn only a few times, by undoing those draws. That restore is the only work not
 *       proportional to P*K: its total per epoch is at most one pass over the index.</li>
 *   <li><b>Randomness.</b> Each epoch draws from its own {@link java.util.SplittableRandom}, seeded
 *       with {@code mix(seed, epoch)} (the SplitMix64 finalizer over
 *       {@code seed + (stream * 2^32 + epoch + 1) * 0x9E3779B97F4A7C15}); bounded values come from
 *       32-bit halves of {@code nextLong()} with Lemire's unbiased multiply-shift. Only
 *       {@code nextLong()}'s fixed algorithm is relied on, which keeps output identical across JDKs.
 *       The mixed layout draws from a second stream, so mixing never changes which rows are
 *       chosen.</li>
 *   <li><b>Strategies.</b> {@link io.github.balancedbatch.sampler.ClassQuotas} turns class sizes into
 *       per-epoch integer quotas (water-filling in one scan over the classes sorted by size once,
 *       then systematic rounding with an offset drawn from (seed, epoch)); the cursor's
 *       {@link io.github.balancedbatch.sampler.Schedule} lays the classes out with McNaughton's
 *       wrap-around rule spread by a golden-ratio stride, so every step has distinct classes and a
 *       class's appearances are an arithmetic progression modulo the epoch length. O(C + P*W*B)
 *       at an epoch's start, P*W reads per batch; the deck is used whenever an epoch is
 *       class-balanced, so the default's output never changes.</li>
 *   <li><b>Categories.</b> {@link io.github.balancedbatch.sampler.CategoryDeal} replaces the class deck
 *       by two decks of the same kind: one over the usable categories and, per category, one over its
 *       eligible classes, carried over from one appearance of the category to the next; under a
 *       strategy a {@link io.github.balancedbatch.sampler.Schedule} over the categories' quotas
 *       replaces the category deck. The draws come from the sample stream (categories, then classes,
 *       then rows), so batches without categories are unchanged.</li>
 *   <li><b>Shards.</b> Every rank deals and draws the whole global batch (to keep identical pools)
 *       and keeps its own P classes: no coordination, at W times the work of one shard.</li>
 *   <li><b>Multi-label.</b> {@link io.github.balancedbatch.sampler.ClassIndex} groups memberships,
 *       not samples, so the label pools are overlapping segments of the same kind. Only a multi-label
 *       index takes the exclusion path: a row of the batch that comes up is swapped to the end of the
 *       anchor's undrawn part and the draw repeats, so without exclusions it makes exactly the draws
 *       of the single-label path; membership is one bit per sample, set for the rows of the global
 *       batch and cleared after it.</li>
 * </ul>
 */
package io.github.balancedbatch.sampler;

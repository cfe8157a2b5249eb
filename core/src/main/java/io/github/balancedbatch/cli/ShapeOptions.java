package io.github.balancedbatch.cli;

import picocli.CommandLine.Option;

/**
 * The options that shape batches without choosing the data: seed, order, layout and shard. Every
 * command that takes labels takes them, so one command line can be reused across commands; where
 * a command does not sample (inspect), they are checked and, where they change nothing, ignored.
 */
final class ShapeOptions {
    @Option(names = "--seed", paramLabel = "S", description = "Random seed (a long); without it one is chosen and printed on stderr.")
    Long seed;

    @Option(names = "--no-shuffle", description = "Take classes round-robin in label order and samples in data-set order.")
    boolean noShuffle;

    @Option(names = "--mix", description = "Mix each batch's entries into random order instead of K consecutive rows per class.")
    boolean mix;

    @Option(names = "--rank", paramLabel = "R", description = "Data-parallel rank of this process (default 0).")
    int rank;

    @Option(names = "--world-size", paramLabel = "W", description = "Number of data-parallel ranks (default 1).")
    int worldSize = 1;

    /** Checks the shard options. */
    void check() {
        SamplerOptions.atLeast("--world-size", worldSize, 1);
        if (rank < 0 || rank >= worldSize) {
            throw new CliException("--rank must be in [0, " + worldSize + "), got " + rank);
        }
    }
}

package io.github.balancedbatch.cli;

import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.ClassIndex;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options that build a sampler, shared by every command that samples. */
final class SamplerOptions {
    @Option(names = "--labels", required = true, paramLabel = "PATH",
            description = "Labels: .npy (int8/16/32/64, uint8/16/32, or a 2-D one-hot matrix) or text, one integer per line.")
    Path labels;

    @Option(names = "--classes-per-batch", required = true, paramLabel = "P", description = "Distinct classes per batch.")
    int classesPerBatch;

    @Option(names = "--samples-per-class", required = true, paramLabel = "K", description = "Samples of each class per batch.")
    int samplesPerClass;

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

    @Option(names = "--class-weight-power", paramLabel = "Q",
            description = "Class weighting power q in [0, 1]: class c gets a share of each epoch's class slots proportional to n_c^q "
                    + "(0: class-balanced, the default; 0.5: square root; 1: instance-balanced), exact to 1 appearance per epoch.")
    Double classWeightPower;

    @Option(names = "--progressive-epochs", paramLabel = "T",
            description = "Progressively balanced: epoch e < T weighs classes (1 - e/T) n_c/N + (e/T)/C; class-balanced from epoch T on.")
    Integer progressiveEpochs;

    @Option(names = "--min-samples-per-class", paramLabel = "M",
            description = "Never choose classes with fewer than M samples (default 1).")
    Integer minSamplesPerClass;

    /** Applies the class-choice strategy options that were given. */
    void strategy(BalancedBatchSampler.Builder b) {
        if (classWeightPower != null) {
            b.classWeightPower(classWeightPower);
        }
        if (progressiveEpochs != null) {
            b.progressiveEpochs(progressiveEpochs);
        }
        if (minSamplesPerClass != null) {
            b.minSamplesPerClass(minSamplesPerClass);
        }
    }

    /** Builds the sampler over {@code index}; bad parameters become a {@link CliException}. */
    BalancedBatchSampler build(ClassIndex index) {
        BalancedBatchSampler.Builder b = BalancedBatchSampler.builder(index)
                .classesPerBatch(classesPerBatch).samplesPerClass(samplesPerClass)
                .shuffle(!noShuffle).mix(mix).shard(rank, worldSize);
        if (seed != null) {
            b.seed(seed);
        }
        BalancedBatchSampler sampler;
        try {
            strategy(b);
            sampler = b.build();
        } catch (IllegalArgumentException e) {
            throw new CliException(optionNames(e.getMessage()) + " (labels " + labels + ")");
        }
        return sampler;
    }

    /** Prints {@code seed: S} on {@code err} when the seed was chosen at random (call once input is valid). */
    void reportSeed(BalancedBatchSampler sampler, PrintWriter err) {
        if (seed == null) {
            err.println("seed: " + sampler.seed());
        }
    }

    /** Library messages name builder parameters; the tool's users know the option names. */
    static String optionNames(String message) {
        return message.replace("classesPerBatch", "--classes-per-batch")
                .replace("samplesPerClass", "--samples-per-class")
                .replace("worldSize", "--world-size")
                .replace("rank must", "--rank must")
                .replace("classWeightPower", "--class-weight-power")
                .replace("progressiveEpochs", "--progressive-epochs")
                .replace("minSamplesPerClass", "--min-samples-per-class");
    }
}

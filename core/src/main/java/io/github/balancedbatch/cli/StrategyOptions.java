package io.github.balancedbatch.cli;

import io.github.balancedbatch.sampler.BalancedBatchSampler;
import picocli.CommandLine.Option;

/** The class-choice strategy options, shared by {@code sample}, {@code bench}, {@code report} and {@code inspect}. */
final class StrategyOptions {
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

    /** Applies the options that were given. */
    void applyTo(BalancedBatchSampler.Builder b) {
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

    /** Checks the options that were given, in the tool's words; call before anything is printed. */
    void check() {
        if (classWeightPower != null && !(classWeightPower >= 0 && classWeightPower <= 1)) {
            throw new CliException("--class-weight-power must be in [0, 1], got " + classWeightPower);
        }
        if (progressiveEpochs != null && progressiveEpochs < 1) {
            throw new CliException("--progressive-epochs must be at least 1, got " + progressiveEpochs);
        }
        if (minSamplesPerClass != null && minSamplesPerClass < 1) {
            throw new CliException("--min-samples-per-class must be at least 1, got " + minSamplesPerClass);
        }
        if (classWeightPower != null && classWeightPower > 0 && progressiveEpochs != null) {
            throw new CliException("--class-weight-power=" + classWeightPower + " and --progressive-epochs="
                    + progressiveEpochs + " cannot be combined: choose one strategy");
        }
    }

    /** The minimum class size given, or 1. */
    int minimum() {
        return minSamplesPerClass == null ? 1 : minSamplesPerClass;
    }
}

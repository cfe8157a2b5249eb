package io.github.balancedbatch.cli;

import io.github.balancedbatch.data.BatchBuffers;
import io.github.balancedbatch.data.FeatureMatrix;
import io.github.balancedbatch.npy.NpyType;
import io.github.balancedbatch.npy.NpyWriter;
import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.BatchCursor;
import io.github.balancedbatch.sampler.ClassIndex;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sample}: writes batches of row indices (and their labels) as int32 {@code .npy} files. */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = {"Write batches of P*K row indices (and their labels and feature rows) as .npy files.",
            "Row indices go to --out as int32 of shape (B, P*K)."})
final class SampleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SamplerOptions sampling;

    @Option(names = "--batches", paramLabel = "B", description = "Write exactly B batches of the endless stream.")
    Long batches;

    @Option(names = "--epochs", paramLabel = "E", description = "Write E whole epochs (default 1).")
    Integer epochs;

    @Option(names = "--first-epoch", paramLabel = "E0", description = "Start at this epoch (default 0).")
    int firstEpoch;

    @Option(names = "--first-batch", paramLabel = "B0",
            description = "Start at this batch of the first epoch (resume): the output equals the tail of an uninterrupted run.")
    int firstBatch;

    @Option(names = "--out", required = true, paramLabel = "PATH", description = "Row indices, int32 .npy (B, P*K).")
    Path out;

    @Option(names = "--labels-out", paramLabel = "PATH",
            description = "Label values, int32 .npy (B, P*K); with --categorical float32 one-hot (B, P*K, C).")
    Path labelsOut;

    @Option(names = "--features", paramLabel = "PATH",
            description = "Features: float32 .npy (N, *sample_shape), memory-mapped; rows aligned with the labels.")
    Path features;

    @Option(names = "--features-out", paramLabel = "PATH",
            description = "Gathered rows, float32 .npy (B, P*K, *sample_shape); needs --features.")
    Path featuresOut;

    @Option(names = "--categorical", description = "Write labels as one-hot float32 rows, as wide as the number of classes.")
    boolean categorical;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        checkArguments();
        ClassIndex index = LabelFiles.read(sampling.labels);
        FeatureMatrix matrix = features == null ? null : FeatureFiles.map(features, index.sampleCount(), sampling.labels);
        BalancedBatchSampler sampler = sampling.build(index);
        if (firstBatch >= sampler.batchesPerEpoch()) {
            throw new CliException("--first-batch " + firstBatch + " is outside the epoch's " + sampler.batchesPerEpoch()
                    + " batches (0.." + (sampler.batchesPerEpoch() - 1) + ")");
        }
        long count = batches != null
                ? batches
                : (long) (epochs == null ? 1 : epochs) * sampler.batchesPerEpoch() - firstBatch;
        int size = sampler.batchSize();
        if (count * size > Integer.MAX_VALUE * 64L) {
            throw new CliException(count + " batches of " + size + " indices are too many for one output file");
        }
        List<NpyWriter> writers = new ArrayList<>();
        try {
            NpyWriter rows = open(writers, out, NpyType.INT32, count, size);
            NpyWriter labels = labelsOut == null ? null : categorical
                    ? open(writers, labelsOut, NpyType.FLOAT32, count, size, index.classCount())
                    : open(writers, labelsOut, NpyType.INT32, count, size);
            NpyWriter gathered = null;
            FloatBuffer rowsOut = null;
            if (matrix != null) {
                long[] shape = new long[2 + matrix.sampleShape().length];
                shape[0] = count;
                shape[1] = size;
                for (int i = 0; i < matrix.sampleShape().length; i++) {
                    shape[2 + i] = matrix.sampleShape()[i];
                }
                gathered = open(writers, featuresOut, NpyType.FLOAT32, shape);
                rowsOut = BatchBuffers.floats(Math.multiplyExact(size, matrix.width()));
            }
            sampling.reportSeed(sampler, err);
            BatchCursor cursor = sampler.cursor(firstEpoch, firstBatch);
            int[] batch = new int[size];
            int[] classes = new int[size];
            int[] values = new int[size];
            float[] oneHot = categorical ? new float[size * index.classCount()] : null;
            Progress progress = new Progress(err, "batches", count);
            for (long b = 0; b < count; b++) {
                progress.update(b);
                cursor.next(batch, classes);
                rows.write(batch, 0, size);
                if (gathered != null) {
                    rowsOut.clear();
                    matrix.gather(batch, 0, size, rowsOut);
                    rowsOut.flip();
                    gathered.write(rowsOut);
                }
                if (labels != null && oneHot != null) {
                    java.util.Arrays.fill(oneHot, 0f);
                    for (int i = 0; i < size; i++) {
                        oneHot[i * index.classCount() + classes[i]] = 1f;
                    }
                    labels.write(oneHot, 0, oneHot.length);
                } else if (labels != null) {
                    for (int i = 0; i < size; i++) {
                        values[i] = index.label(classes[i]);
                    }
                    labels.write(values, 0, size);
                }
            }
            progress.done();
            for (NpyWriter w : writers) {
                w.commit();
            }
        } finally {
            for (NpyWriter w : writers) {
                w.close();
            }
        }
        return 0;
    }

    private void checkArguments() {
        if (batches != null && epochs != null) {
            throw new CliException("--batches and --epochs are mutually exclusive");
        }
        if (batches != null && batches < 1) {
            throw new CliException("--batches must be at least 1, got " + batches);
        }
        if (epochs != null && epochs < 1) {
            throw new CliException("--epochs must be at least 1, got " + epochs);
        }
        if (firstEpoch < 0) {
            throw new CliException("--first-epoch must be at least 0, got " + firstEpoch);
        }
        if (firstBatch < 0) {
            throw new CliException("--first-batch must be at least 0, got " + firstBatch);
        }
        if (categorical && labelsOut == null) {
            throw new CliException("--categorical needs --labels-out");
        }
        if (features != null && featuresOut == null) {
            throw new CliException("--features needs --features-out");
        }
        if (featuresOut != null && features == null) {
            throw new CliException("--features-out needs --features");
        }
        checkOutput("--out", out);
        if (featuresOut != null) {
            checkOutput("--features-out", featuresOut);
        }
        if (labelsOut != null) {
            checkOutput("--labels-out", labelsOut);
        }
        distinct("--out", out, "--labels-out", labelsOut);
        distinct("--out", out, "--features-out", featuresOut);
        distinct("--labels-out", labelsOut, "--features-out", featuresOut);
    }

    private static void distinct(String optionA, Path a, String optionB, Path b) {
        if (a != null && b != null && a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
            throw new CliException(optionA + " and " + optionB + " are the same file: " + a);
        }
    }

    static void checkOutput(String option, Path path) {
        Path dir = path.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new CliException(option + " " + path + ": directory " + dir + " does not exist");
        }
        if (Files.isDirectory(path)) {
            throw new CliException(option + " " + path + " is a directory");
        }
        if (!Files.isWritable(dir)) {
            throw new CliException(option + " " + path + ": directory " + dir + " is not writable");
        }
    }

    private static NpyWriter open(List<NpyWriter> writers, Path path, NpyType type, long... shape) throws IOException {
        NpyWriter w = NpyWriter.create(path, type, shape);
        writers.add(w);
        return w;
    }
}

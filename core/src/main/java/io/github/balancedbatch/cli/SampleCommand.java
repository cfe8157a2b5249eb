package io.github.balancedbatch.cli;

import io.github.balancedbatch.data.FeatureMatrix;
import io.github.balancedbatch.npy.NpyType;
import io.github.balancedbatch.pipeline.Batch;
import io.github.balancedbatch.pipeline.BatchPipeline;
import io.github.balancedbatch.pipeline.PipelineException;
import io.github.balancedbatch.npy.NpyWriter;
import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.ClassIndex;
import io.github.balancedbatch.util.ArrayLimits;
import io.github.balancedbatch.util.OutputTarget;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
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
@Command(name = "sample", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
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
            description = "Label values, int32 .npy (B, P*K); with --categorical float32 one-hot (B, P*K, C). With --multi-label:"
                    + " each entry's anchor label, and with --categorical the sample's multi-hot row.")
    Path labelsOut;

    @Option(names = "--features", paramLabel = "PATH",
            description = "Features: .npy (N, *sample_shape) of float32, float16, uint8 or int8, memory-mapped; rows aligned with the labels.")
    Path features;

    @Option(names = "--features-out", paramLabel = "PATH",
            description = "Gathered rows, .npy (B, P*K, *sample_shape) of the features' own type (numpy's x[indices]); needs --features.")
    Path featuresOut;

    @Option(names = "--prefetch", paramLabel = "N",
            description = "Sample and gather in background threads, N batches ahead. Changes speed only, never the output.")
    Integer prefetch;

    private int threads = 1;
    private boolean threadsSet;

    @Option(names = "--threads", paramLabel = "T",
            description = "Gathering threads of the background pipeline (default 1); alone, implies --prefetch 2*T.")
    void threads(int t) {
        threads = t;
        threadsSet = true;
    }

    private OutputTarget outTarget;
    private OutputTarget labelsTarget;
    private OutputTarget featuresTarget;

    @Option(names = "--categorical", description = "Write labels as one-hot float32 rows, as wide as the number of classes"
            + " (with --multi-label: multi-hot rows of every label each sample holds).")
    boolean categorical;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        checkArguments();
        ClassIndex index = sampling.readLabels();
        FeatureFiles.Stamp stamp = features == null ? null : FeatureFiles.stamp(features);
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
        if (count > Integer.MAX_VALUE * 64L / size) {
            throw new CliException(count + " batches of " + size + " indices are too many for one output file");
        }
        // batches from (firstEpoch, firstBatch) to the end of the last epoch, Integer.MAX_VALUE
        long remaining = (Integer.MAX_VALUE + 1L - firstEpoch) * sampler.batchesPerEpoch() - firstBatch;
        if (batches != null && batches > remaining) {
            throw new CliException("--batches " + batches + " passes the end of the stream: from epoch " + firstEpoch
                    + ", batch " + firstBatch + " only " + remaining + " batches remain (the last epoch is "
                    + Integer.MAX_VALUE + ")");
        }
        checkBatchBuffers(size, index.classCount(), matrix);
        Outputs.checkOwn("--out", outTarget, Outputs.Own.NPY);
        Outputs.checkOwn("--labels-out", labelsTarget, Outputs.Own.NPY);
        Outputs.checkOwn("--features-out", featuresTarget, Outputs.Own.NPY);
        checkSpace(count, size, index.classCount(), matrix == null ? 0 : matrix.bytesPerRow());
        List<NpyWriter> writers = new ArrayList<>();
        Thread cleanup = new Thread(() -> {
            Main.stopping();
            closeAll(writers);
        }, "balanced-batch-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup); // a killed run leaves no temporary file behind
        try {
            NpyWriter rows = open(writers, out, NpyType.INT32, count, size);
            NpyWriter labels = labelsOut == null ? null : categorical
                    ? open(writers, labelsOut, NpyType.FLOAT32, count, size, index.classCount())
                    : open(writers, labelsOut, NpyType.INT32, count, size);
            NpyWriter gathered = null;
            if (matrix != null) {
                long[] shape = new long[2 + matrix.sampleShape().length];
                shape[0] = count;
                shape[1] = size;
                for (int i = 0; i < matrix.sampleShape().length; i++) {
                    shape[2 + i] = matrix.sampleShape()[i];
                }
                gathered = open(writers, featuresOut, matrix.type(), shape);
            }
            sampling.reportSeed(sampler, err);
            Progress progress = new Progress(err, "batches", count);
            // one assembly path: synchronous without --prefetch, so the output cannot depend on it
            BatchPipeline.Builder builder = BatchPipeline.builder(sampler).prefetch(prefetch == null ? 0 : prefetch)
                    .threads(threads).oneHot(categorical).storedBytes(true).start(firstEpoch, firstBatch);
            if (matrix != null) {
                builder.features(matrix);
            }
            try (BatchPipeline pipeline = builder.build()) {
                for (long b = 0; b < count; b++) {
                    progress.update(b);
                    try (Batch batch = pipeline.take()) {
                        write(rows, batch.rows(), gathered, matrix == null ? null : batch.featureBytes(0), labels,
                                categorical ? batch.oneHot() : null, batch.labels());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted");
            }
            progress.done();
            if (stamp != null && !stamp.equals(FeatureFiles.stamp(features))) {
                // a fault in a mapped page may reach a thread late, or after its rows were copied: check the file itself
                throw new CliException(features + ": changed or truncated while being read");
            }
            NpyWriter.commitAll(writers); // all outputs or none
            if (Progress.terminal.getAsBoolean()) { // a person watching gets what a script reads from the files
                err.printf(java.util.Locale.ROOT, "wrote %s (%,d batches of %d indices)%s%s%n", out, count, size,
                        labelsOut == null ? "" : ", " + labelsOut, featuresOut == null ? "" : ", " + featuresOut);
            }
        } catch (IOException e) {
            throw new CliException("cannot write the output files: " + e.getMessage());
        } catch (InternalError e) { // a mapped page vanished: the features file shrank under us
            throw changedWhileRead(e);
        } catch (PipelineException e) {
            throw e.getCause() instanceof InternalError ? changedWhileRead((InternalError) e.getCause()) : e;
        } finally {
            closeAll(writers);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
        return 0;
    }

    /** A fault in an unsafe memory access is a mapped features file that was truncated or rewritten. */
    private RuntimeException changedWhileRead(InternalError e) {
        if (features == null || !Main.isMappedFileFault(e)) {
            throw e;
        }
        return new CliException(features + ": changed or truncated while being read");
    }

    /** One batch of features or one-hot labels must fit in one buffer. */
    private void checkBatchBuffers(int size, int classes, FeatureMatrix matrix) {
        if (categorical && ArrayLimits.floatsOrMinusOne(size, classes) < 0) {
            throw new CliException(String.format(java.util.Locale.ROOT,
                    "--categorical: one batch of %,d one-hot rows x %,d classes is %,d floats, more than one buffer"
                            + " holds (%,d): use smaller batches or plain --labels-out",
                    size, classes, (long) size * classes, ArrayLimits.MAX_BUFFER_FLOATS));
        }
        if (matrix != null && ArrayLimits.floatsOrMinusOne(size, matrix.width()) < 0) {
            throw new CliException(String.format(java.util.Locale.ROOT,
                    "--features %s: one batch of %,d rows x %,d floats is %,d floats, more than one buffer holds (%,d):"
                            + " use smaller batches",
                    features, size, matrix.width(), (long) size * matrix.width(), ArrayLimits.MAX_BUFFER_FLOATS));
        }
    }

    private static void closeAll(List<NpyWriter> writers) {
        synchronized (writers) {
            for (NpyWriter w : writers) {
                try {
                    w.close();
                } catch (IOException e) {
                    // best effort: nothing more to do for a file that cannot be deleted
                }
            }
        }
    }

    /** Appends one batch to the open outputs (buffers are read from position to limit). */
    private static void write(NpyWriter rows, int[] batch, NpyWriter gathered, ByteBuffer features, NpyWriter labels,
            FloatBuffer oneHot, IntBuffer values) throws IOException {
        rows.write(batch, 0, batch.length);
        if (gathered != null) {
            gathered.write(features);
        }
        if (labels != null) {
            if (oneHot != null) {
                labels.write(oneHot);
            } else {
                labels.write(values);
            }
        }
    }

    private void checkArguments() {
        if (prefetch != null && prefetch < 1) {
            throw new CliException("--prefetch must be at least 1, got " + prefetch);
        }
        if (threads < 1) {
            throw new CliException("--threads must be at least 1, got " + threads);
        }
        if (threads > 256) {
            throw new CliException("--threads must be at most 256, got " + threads);
        }
        if (threadsSet && prefetch == null) {
            prefetch = Math.min(4096, 2 * threads); // enough batches in flight to keep T threads busy
        }
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
        if (epochs != null && (long) firstEpoch + epochs - 1 > Integer.MAX_VALUE) {
            throw new CliException("--first-epoch " + firstEpoch + " + --epochs " + epochs + " passes the last epoch, "
                    + Integer.MAX_VALUE);
        }
        if (prefetch != null && prefetch > 4096) {
            throw new CliException("--prefetch must be at most 4096, got " + prefetch);
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
        outTarget = Outputs.target("--out", out);
        featuresTarget = featuresOut == null ? null : Outputs.target("--features-out", featuresOut);
        labelsTarget = labelsOut == null ? null : Outputs.target("--labels-out", labelsOut);
        Outputs.checkDistinct(
                java.util.Arrays.asList(new Outputs.Named("--labels", sampling.labels),
                        features == null ? null : new Outputs.Named("--features", features), sampling.categories.input()),
                java.util.Arrays.asList(new Outputs.Named("--out", out),
                        labelsOut == null ? null : new Outputs.Named("--labels-out", labelsOut),
                        featuresOut == null ? null : new Outputs.Named("--features-out", featuresOut)));
    }

    /** Refuses up front a run whose outputs cannot fit in the free space of their directories. */
    private void checkSpace(long count, int size, int classes, int rowBytes) {
        double entries = (double) count * size;
        java.util.Map<java.nio.file.FileStore, Double> need = new java.util.LinkedHashMap<>();
        addNeed(need, outTarget, entries * 4);
        if (labelsOut != null) {
            addNeed(need, labelsTarget, entries * 4 * (categorical ? classes : 1));
        }
        if (featuresOut != null) {
            addNeed(need, featuresTarget, entries * rowBytes);
        }
        for (java.util.Map.Entry<java.nio.file.FileStore, Double> e : need.entrySet()) {
            try {
                long free = e.getKey().getUsableSpace();
                if (e.getValue() > free) {
                    throw new CliException(String.format(java.util.Locale.ROOT,
                            "the outputs need %,.0f bytes but only %,d are free on %s", e.getValue(), free, e.getKey()));
                }
            } catch (IOException ignored) {
                // the free space cannot be read: the writes themselves will report a shortage
            }
        }
    }

    private static void addNeed(java.util.Map<java.nio.file.FileStore, Double> need, OutputTarget target, double bytes) {
        if (target.isStream()) {
            return; // a device or pipe takes what it takes
        }
        try {
            need.merge(Files.getFileStore(target.path().getParent()), bytes, Double::sum);
        } catch (IOException ignored) {
            // as above
        }
    }

    private static NpyWriter open(List<NpyWriter> writers, Path path, NpyType type, long... shape) throws IOException {
        synchronized (writers) {
            NpyWriter w = NpyWriter.create(path, type, shape);
            writers.add(w);
            return w;
        }
    }
}

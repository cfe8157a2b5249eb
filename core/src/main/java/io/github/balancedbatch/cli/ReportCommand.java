package io.github.balancedbatch.cli;

import static io.github.balancedbatch.cli.ClassStats.count;

import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.ClassIndex;
import io.github.balancedbatch.util.OutputTarget;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code report}: a picture of each class's share of the data next to its share of the batches. */
@Command(name = "report", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Draw class shares in the raw data, their target shares under the chosen strategy and their shares in"
                + " the batches of one epoch (SVG or HTML).",
            "Classes are sorted by raw frequency (log scale; more than " + ReportCommand.MAX_BARS
                    + " classes are grouped into buckets of neighbouring ranks).",
            "Writes SVG, or a self-contained HTML page, by the extension of --out."})
final class ReportCommand implements Callable<Integer> {
    static final int MAX_BARS = 100;

    @Spec
    CommandSpec spec;

    @Mixin
    SamplerOptions sampling;

    @Option(names = "--epoch", paramLabel = "E", description = "Epoch to count (default 0).")
    int epoch;

    @Option(names = "--out", required = true, paramLabel = "PATH", description = "Output file: .svg or .html.")
    Path out;

    @Override
    public Integer call() throws IOException {
        OutputTarget target = Outputs.target("--out", out);
        Outputs.checkDistinct(java.util.Arrays.asList(new Outputs.Named("--labels", sampling.labels),
                sampling.categories.input()), java.util.List.of(new Outputs.Named("--out", out)));
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean html = name.endsWith(".html") || name.endsWith(".htm");
        if (!html && !name.endsWith(".svg")) {
            throw new CliException("--out " + out + ": the report is written as .svg or .html");
        }
        if (epoch < 0) {
            throw new CliException("--epoch must be at least 0, got " + epoch);
        }
        ClassIndex index = sampling.readLabels();
        BalancedBatchSampler sampler = sampling.build(index);
        Outputs.checkOwn("--out", target, Outputs.Own.REPORT);
        sampling.reportSeed(sampler, spec.commandLine().getErr());
        long[] drawn = ClassStats.drawnPerClass(sampler, epoch);
        Chart chart = Chart.of(index, drawn, sampler.targetShares(epoch), MAX_BARS);
        String title = "Class shares: raw data, target and sampled batches";
        String subtitle = String.format(Locale.ROOT,
                "%s: %s samples, %s%s classes; P=%d x K=%d, epoch %d of %s batches, seed %d",
                sampling.labels.getFileName(), count(index.sampleCount()),
                index.multiLabel() ? count(index.membershipCount()) + " labels in all, " : "", count(index.classCount()),
                sampler.classesPerBatch(), sampler.samplesPerClass(), epoch, count(sampler.batchesPerEpoch()), sampler.seed())
                + InspectCommand.strategy(sampler);
        String svg = chart.svg(title, subtitle);
        String text = html ? Chart.html(title, subtitle, svg) : svg;
        try {
            OutputTarget.write(out, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CliException("cannot write --out " + out + ": " + e.getMessage());
        }
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "wrote %s (%s %s)%n", out, count(chart.bars()), chart.grouped() ? "buckets of classes" : "classes");
        return 0;
    }
}

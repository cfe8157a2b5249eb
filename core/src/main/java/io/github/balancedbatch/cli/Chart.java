package io.github.balancedbatch.cli;

import io.github.balancedbatch.sampler.ClassIndex;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The report's chart: one pair of bars (raw share, sampled share) per class, or per bucket of
 * neighbouring ranks when there are many classes, on a log scale; plain SVG with no scripts.
 */
final class Chart {
    private static final int WIDTH = 960;
    private static final int HEIGHT = 520;
    private static final int LEFT = 80;
    private static final int RIGHT = 20;
    private static final int TOP = 70;
    private static final int BOTTOM = 70;

    /** Per bar: first and last rank (1-based) of the classes in it, mean share of one class. */
    private final int[] firstRank;
    private final int[] lastRank;
    private final double[] raw;
    private final double[] sampled;
    /** Target share of one class under the sampler's strategy, per bar; null to draw no targets. */
    private final double[] target;
    private final boolean grouped;
    /** Per bar: the label value of its class (bars of one class each), or null for buckets. */
    private final int[] label;

    private Chart(int[] firstRank, int[] lastRank, int[] label, double[] raw, double[] sampled, double[] target,
            boolean grouped) {
        this.firstRank = firstRank;
        this.label = label;
        this.lastRank = lastRank;
        this.raw = raw;
        this.sampled = sampled;
        this.target = target;
        this.grouped = grouped;
    }

    /** Sorts non-empty classes by raw frequency, commonest first, and groups them into at most {@code maxBars}. */
    static Chart of(ClassIndex index, long[] drawn, int maxBars) {
        return of(index, drawn, null, maxBars);
    }

    /**
     * As {@link #of(ClassIndex, long[], int)}, with a third series: {@code targetShares[c]}, class
     * c's target share under the sampler's strategy (null for none).
     */
    static Chart of(ClassIndex index, long[] drawn, double[] targetShares, int maxBars) {
        Integer[] order = IntStream.range(0, index.classCount()).filter(c -> index.size(c) > 0).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt((Integer c) -> -index.size(c)).thenComparingInt(c -> c));
        long total = Arrays.stream(drawn).sum();
        int n = order.length;
        int bars = Math.min(n, maxBars);
        int[] first = new int[bars];
        int[] last = new int[bars];
        double[] raw = new double[bars];
        double[] sampled = new double[bars];
        double[] target = targetShares == null ? null : new double[bars];
        for (int b = 0; b < bars; b++) {
            int from = (int) ((long) b * n / bars);
            int to = (int) ((long) (b + 1) * n / bars);
            double r = 0;
            double s = 0;
            double t = 0;
            for (int i = from; i < to; i++) {
                r += index.size(order[i]);
                s += drawn[order[i]];
                t += targetShares == null ? 0 : targetShares[order[i]];
            }
            if (target != null) {
                target[b] = t / (to - from);
            }
            first[b] = from + 1;
            last[b] = to;
            raw[b] = r / index.membershipCount() / (to - from);
            sampled[b] = total == 0 ? 0 : s / total / (to - from);
        }
        int[] label = null;
        if (bars == n) {
            label = new int[bars];
            for (int b = 0; b < bars; b++) {
                label[b] = index.label(order[b]);
            }
        }
        return new Chart(first, last, label, raw, sampled, target, bars < n);
    }

    int bars() {
        return raw.length;
    }

    boolean grouped() {
        return grouped;
    }

    String svg(String title, String subtitle) {
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (int i = 0; i < raw.length; i++) {
            for (double v : new double[] {raw[i], sampled[i], target == null ? 0 : target[i]}) {
                if (v > 0) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        int minExp = (int) Math.floor(Math.log10(lo / 2)); // keeps the smallest bar visible
        int maxExp = Math.max(minExp + 1, (int) Math.ceil(Math.log10(hi)));
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        double slot = plotW / raw.length;
        int series = target == null ? 2 : 3;
        double bar = Math.max(0.5, slot * 0.84 / series);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        s.append("<title>").append(escape(title)).append("</title>\n");
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(text(WIDTH / 2.0, 24, "middle", 16, title));
        s.append(text(WIDTH / 2.0, 44, "middle", 12, subtitle));
        for (int e = minExp; e <= maxExp; e++) {
            double y = TOP + plotH - (e - minExp) / (double) (maxExp - minExp) * plotH;
            s.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                    LEFT, WIDTH - RIGHT, y, y));
            s.append(text(LEFT - 6, y + 4, "end", 11, percent(Math.pow(10, e))));
        }
        s.append(String.format(Locale.ROOT,
                "<text x=\"18\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 18 %.1f)\">share of one class (log scale)</text>%n",
                TOP + plotH / 2, TOP + plotH / 2));
        s.append(text(LEFT + plotW / 2, HEIGHT - 40, "middle", 12, grouped
                ? "classes sorted by raw frequency, commonest first (" + raw.length + " bars, each the mean over a bucket of neighbouring ranks)"
                : "classes sorted by raw frequency, commonest first"));
        if (label != null && labelsFit(slot)) { // the label values under the bars, where they fit
            for (int i = 0; i < raw.length; i++) {
                s.append(text(LEFT + (i + 0.5) * slot, TOP + plotH + 16, "middle", 11, Integer.toString(label[i])));
            }
        }
        for (int i = 0; i < raw.length; i++) {
            double x = LEFT + i * slot + (slot - series * bar) / 2;
            s.append(rect("raw", "#9aa5b1", x, raw[i], minExp, maxExp, plotH, bar, i));
            if (target != null) {
                s.append(rect("target", "#1c7ed6", x + bar, target[i], minExp, maxExp, plotH, bar, i));
            }
            s.append(rect("sampled", "#e8590c", x + (series - 1) * bar, sampled[i], minExp, maxExp, plotH, bar, i));
        }
        double lx = WIDTH - RIGHT - (target == null ? 260 : 360);
        if (target != null) {
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"12\" fill=\"#1c7ed6\"/>%n",
                    lx + 240, HEIGHT - 26));
            s.append(text(lx + 256, HEIGHT - 16, "start", 12, "target"));
        }
        s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"12\" fill=\"#9aa5b1\"/>%n", lx, HEIGHT - 26));
        s.append(text(lx + 16, HEIGHT - 16, "start", 12, "raw data"));
        s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"12\" fill=\"#e8590c\"/>%n", lx + 100, HEIGHT - 26));
        s.append(text(lx + 116, HEIGHT - 16, "start", 12, "sampled batches"));
        s.append("</svg>\n");
        return s.toString();
    }

    /** Whether every label value, in 11-pixel digits (about 7 pixels each), fits its bar's slot. */
    private boolean labelsFit(double slot) {
        for (int l : label) {
            if (Integer.toString(l).length() * 7 + 4 > slot) {
                return false;
            }
        }
        return true;
    }

    private String rect(String series, String fill, double x, double v, int minExp, int maxExp, double plotH, double w, int i) {
        double h = v <= 0 ? 0 : Math.max(0, (Math.log10(v) - minExp) / (maxExp - minExp) * plotH);
        String ranks = label != null ? "class " + label[i] + " (rank " + firstRank[i] + ")"
                : firstRank[i] == lastRank[i] ? "class rank " + firstRank[i] : "class ranks " + firstRank[i] + "-" + lastRank[i];
        return String.format(Locale.ROOT,
                "<rect class=\"%s\" data-rank=\"%d\" data-share=\"%s\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
                        + "fill=\"%s\"><title>%s, %s: %s</title></rect>%n",
                series, firstRank[i], Double.toString(v), x, TOP + plotH - h, w, h, fill, ranks, series, percent(v));
    }

    private static String text(double x, double y, String anchor, int size, String t) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
                x, y, anchor, size, escape(t));
    }

    static String percent(double share) {
        double p = share * 100;
        return p >= 1 ? String.format(Locale.ROOT, "%.1f%%", p)
                : p >= 0.01 ? String.format(Locale.ROOT, "%.3f%%", p)
                : String.format(Locale.ROOT, "%.1e%%", p);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** A self-contained page around the SVG: no scripts, no network. */
    static String html(String title, String subtitle, String svg) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>" + escape(title)
                + "</title>\n<style>body{font-family:sans-serif;margin:2em;color:#222}</style>\n</head>\n<body>\n<h1>"
                + escape(title) + "</h1>\n<p>" + escape(subtitle) + "</p>\n" + svg
                + "<p>Grey: each class's share of the raw data. Blue: its target share under the chosen strategy."
                + " Orange: its share of the indices drawn in one epoch (within one batch of the target)."
                + " Balanced sampling flattens the orange bars.</p>\n</body>\n</html>\n";
    }
}

package io.github.balancedbatch.npy;

import io.github.balancedbatch.util.ArrayLimits;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * Multi-label data read from a label file: each sample holds one or more labels. Two formats, told
 * apart as {@link LabelFiles} tells them apart (a {@code .npy} file is recognised by its name or by
 * its magic string, anything else is text):
 *
 * <ul>
 *   <li>{@code .npy}: a 2-D multi-hot matrix of shape (N, C), as Keras stores multi-label targets:
 *       row r is sample r, and a 1 in column c gives it the label c. The dtype is uint8, bool,
 *       int8/16/32/64 or float32; every value is 0 or 1 (for float32 exactly 0.0 or 1.0), and every
 *       row holds at least one 1.
 *   <li>text (UTF-8): one line per sample holding that sample's integer label values, separated by
 *       spaces or tabs; surrounding blanks are allowed, blank lines only at the very end, and a byte
 *       order mark at the start is skipped, as for one-label text files. A label may not be listed
 *       twice on a line.
 * </ul>
 *
 * <p>The result is in compressed sparse row form: the labels of sample {@code s} are
 * {@code labels()[sampleOffsets()[s]]} up to, not including, {@code labels()[sampleOffsets()[s + 1]]}.
 * For a multi-hot matrix they are column numbers in ascending order and {@link #width()} is C; for
 * text they are the label values in the order written and {@link #width()} is -1.
 *
 * <p>Effectively immutable and safe to share once constructed, provided nobody writes into the
 * arrays returned by {@link #sampleOffsets()} and {@link #labels()}, which are the backing arrays
 * and are not copied. Reading allocates the two result arrays and, for {@code .npy}, one read
 * buffer of at most 1 MiB; no object is created per sample.
 */
public final class MultiLabels {
    /** Largest sample count accepted: the offsets need one more entry than there are samples. */
    static final int MAX_SAMPLES = ArrayLimits.MAX_ARRAY_LENGTH - 1;
    /** Largest number of labels of all samples together: they are kept in one array. */
    static final int MAX_LABELS = ArrayLimits.MAX_ARRAY_LENGTH;

    /** The dtypes a multi-hot matrix may have, as a refusal names them. */
    static final String MULTI_HOT_TYPES =
            "uint8, bool, int8/16/32/64 or float32 ('|u1', '|b1', '|i1', '<i2', '<i4', '<i8', '<f4')";

    private static final String TEXT_FORMAT =
            "one or more integer labels per line, separated by spaces or tabs";

    private final int[] sampleOffsets;
    private final int[] labels;
    private final int width;

    private MultiLabels(int[] sampleOffsets, int[] labels, int width) {
        this.sampleOffsets = sampleOffsets;
        this.labels = labels;
        this.width = width;
    }

    /**
     * Where each sample's labels start in {@link #labels()}: {@code sampleCount() + 1} ascending
     * entries, the first 0 and the last {@code labels().length}. This is the backing array, not a
     * copy; the caller owns it from here on and must not write into it while this object is in use.
     */
    public int[] sampleOffsets() {
        return sampleOffsets;
    }

    /**
     * The labels of all samples, sample after sample (see {@link #sampleOffsets()}): column numbers
     * in {@code [0, width())}, ascending within a sample, for a multi-hot matrix; label values as
     * written for text. This is the backing array, not a copy; the caller owns it from here on and
     * must not write into it while this object is in use.
     */
    public int[] labels() {
        return labels;
    }

    /**
     * The number of columns C of the multi-hot matrix (at least 1), or -1 when the labels were read
     * from text and are label values, not columns.
     */
    public int width() {
        return width;
    }

    /** Whether the labels came from a multi-hot matrix (they are columns), not from text. */
    public boolean multiHot() {
        return width != -1;
    }

    /** Number of samples (rows of the matrix, lines of the text); at least 1. */
    public int sampleCount() {
        return sampleOffsets.length - 1;
    }

    /**
     * The multi-label data of {@code file}, in either format.
     *
     * @throws NpyException if the content is not usable as multi-label data; the message names the
     *     file and where: the row and column or the line, and the offending value
     * @throws java.nio.file.NoSuchFileException if there is no such file
     * @throws IOException if the file is a directory, not a regular file (a pipe, a device) or cannot be read
     */
    public static MultiLabels read(Path file) throws IOException {
        LabelFiles.checkRegular(file);
        Path name = file.getFileName();
        if (name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".npy") || LabelFiles.isNpy(file)) {
            return readNpy(file);
        }
        return readText(file);
    }

    /**
     * Reads the multi-hot matrix in the {@code .npy} file {@code file}.
     *
     * <p>Refuses every rank but 2 (a 1-D array holds one label per sample, which
     * {@link LabelFiles#read} reads), other dtypes than {@link #MULTI_HOT_TYPES}, Fortran order and
     * everything {@link NpyHeader} refuses, no rows or no columns, values other than 0 and 1, rows
     * without a 1, and more than {@link #MAX_SAMPLES} rows or {@link #MAX_LABELS} ones.
     *
     * <p>Reads the data twice in chunks of at most 1 MiB: the first pass validates it and counts the
     * labels of each row, the second fills a labels array of exactly the size needed. Nothing is
     * allocated by the file's claims before the header and the file length agree.
     *
     * @throws NpyException if the file is malformed or not a usable multi-hot matrix
     * @throws IOException if the file cannot be read
     */
    public static MultiLabels readNpy(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (!LabelFiles.isNpy(file)) {
                throw new NpyException(file, "not a .npy file (it does not start with \\x93NUMPY);"
                        + " MultiLabels.read also reads text, one line of labels per sample");
            }
            NpyHeader h;
            try {
                h = NpyHeader.readAllowingBool(file, ch);
            } catch (NpyException e) {
                String problem = e.problem();
                if (problem.endsWith(NpyType.UNSUPPORTED_LIST)) {
                    throw new NpyException(file, problem.substring(0, problem.length() - NpyType.UNSUPPORTED_LIST.length())
                            + "; a multi-hot matrix must be " + MULTI_HOT_TYPES);
                }
                throw e;
            }
            String shape = NpyHeader.shapeString(h.shape());
            if (h.rank() != 2) {
                String what = h.rank() == 0 ? "0-d array (shape ())" : h.rank() + "-D array of shape " + shape;
                throw new NpyException(file, what + " is not a multi-hot matrix; expected a multi-hot matrix of"
                        + " shape (N, C)" + (h.rank() == 1 ? " (LabelFiles.read reads one label per sample)" : ""));
            }
            NpyType type = h.type();
            if (!multiHotType(type)) {
                throw new NpyException(file, "dtype '" + type.descr() + "' (" + type.name().toLowerCase(Locale.ROOT)
                        + ") is not supported for a multi-hot matrix; expected " + MULTI_HOT_TYPES);
            }
            long rows = h.dim(0);
            long cols = h.dim(1);
            if (cols == 0) {
                throw new NpyException(file, "multi-hot matrix of shape " + shape + " has 0 columns");
            }
            if (cols > NpyLabels.MAX_COLUMNS) {
                throw new NpyException(file, "multi-hot matrix of shape " + shape + " has " + cols
                        + " columns; at most " + NpyLabels.MAX_COLUMNS + " are supported");
            }
            if (rows == 0) {
                throw new NpyException(file, "no samples: the multi-hot matrix of shape " + shape + " is empty");
            }
            if (rows > MAX_SAMPLES) {
                throw new NpyException(file, rows + " rows is more than the " + MAX_SAMPLES + " supported");
            }
            int[] offsets = new int[(int) rows + 1];
            new MultiHotPass(file, type, (int) cols, offsets, null).run(ch, h);
            int[] labels = new int[offsets[(int) rows]];
            new MultiHotPass(file, type, (int) cols, offsets, labels).run(ch, h);
            return new MultiLabels(offsets, labels, (int) cols);
        }
    }

    private static boolean multiHotType(NpyType t) {
        switch (t) {
            case UINT8:
            case INT8:
            case INT16:
            case INT32:
            case INT64:
            case FLOAT32:
                return true;
            default:
                return false;
        }
    }

    /** Reads text: one line per sample, its labels separated by spaces or tabs. */
    static MultiLabels readText(Path path) throws IOException {
        IntArrayList offsets = new IntArrayList();
        IntArrayList labels = new IntArrayList();
        offsets.add(0);
        LabelFiles.readLines(path, TEXT_FORMAT,
                blank -> "line " + blank + ": blank line: sample " + (blank - 1) + " holds no label (expected " + TEXT_FORMAT + ")",
                (number, s) -> {
                    if (offsets.size() > MAX_SAMPLES) {
                        throw new NpyException(path, "line " + number + ": more than " + MAX_SAMPLES
                                + " samples; at most that many are supported");
                    }
                    int start = labels.size();
                    parseLine(path, number, s, labels);
                    refuseRepeats(path, number, labels, start);
                    offsets.add(labels.size());
                });
        if (labels.isEmpty()) {
            throw new NpyException(path, "no labels");
        }
        return new MultiLabels(offsets.toIntArray(), labels.toIntArray(), -1);
    }

    /** Appends the labels of one stripped, non-blank line; a token of a short integer is parsed in place. */
    private static void parseLine(Path path, int number, String s, IntArrayList labels) throws NpyException {
        int n = s.length();
        int i = 0;
        while (i < n) {
            int start = i;
            while (i < n && s.charAt(i) != ' ' && s.charAt(i) != '\t') {
                i++;
            }
            int end = i;
            while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
            if (labels.size() == MAX_LABELS) {
                throw new NpyException(path, "line " + number + ": more than " + MAX_LABELS
                        + " labels in all; at most that many are supported");
            }
            labels.add(token(path, number, s, start, end));
        }
    }

    /** The integer {@code s[start, end)}; up to 9 digits are read in place, anything else by {@link LabelFiles#parse}. */
    private static int token(Path path, int number, String s, int start, int end) throws NpyException {
        boolean negative = s.charAt(start) == '-';
        int i = negative || s.charAt(start) == '+' ? start + 1 : start;
        if (i < end && end - i <= 9) {
            int v = 0;
            for (; i < end; i++) {
                int d = s.charAt(i) - '0';
                if (d < 0 || d > 9) {
                    break;
                }
                v = v * 10 + d;
            }
            if (i == end) {
                return negative ? -v : v;
            }
        }
        return LabelFiles.parse(path, number, s.substring(start, end));
    }

    /** Refuses a label listed twice among {@code labels[start, size)}, the labels of one line. */
    private static void refuseRepeats(Path path, int number, IntArrayList labels, int start) throws NpyException {
        int[] a = labels.elements();
        int end = labels.size();
        if (end - start <= 32) {
            for (int i = start + 1; i < end; i++) {
                for (int j = start; j < i; j++) {
                    if (a[i] == a[j]) {
                        throw repeated(path, number, a[i]);
                    }
                }
            }
            return;
        }
        int[] sorted = Arrays.copyOfRange(a, start, end);
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                throw repeated(path, number, sorted[i]);
            }
        }
    }

    private static NpyException repeated(Path path, int number, int label) {
        return new NpyException(path, "line " + number + ": label " + label + " is listed twice");
    }
}

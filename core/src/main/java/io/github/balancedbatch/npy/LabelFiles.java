package io.github.balancedbatch.npy;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntFunction;

/**
 * Reads a label file in either format the command-line tool takes: {@code .npy} (everything
 * {@link NpyLabels#read} accepts; recognised by its magic string whatever the file's name) or UTF-8
 * text with one integer label per line (surrounding blanks allowed, a blank line only at the very
 * end, a byte order mark at the start skipped).
 *
 * <p>Stateless and thread-safe. Allocates the result and a read buffer per call.
 */
public final class LabelFiles {
    private LabelFiles() {
    }

    /**
     * The labels of {@code file}, in either format.
     *
     * @throws NpyException if the content is not usable as labels; the message names the file and
     *     the row or line
     * @throws java.nio.file.NoSuchFileException if there is no such file
     * @throws IOException if the file is a directory, not a regular file (a pipe, a device) or
     *     cannot be read
     */
    public static NpyLabels read(Path file) throws IOException {
        checkRegular(file);
        Path name = file.getFileName();
        if (name != null && name.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".npy") || isNpy(file)) {
            return NpyLabels.read(file);
        }
        return NpyLabels.ofText(readText(file));
    }

    /**
     * Refuses a directory, and anything else that exists but is not a regular file: a pipe (such as
     * {@code /dev/stdin} or a shell's {@code <(...)}), a FIFO or a device. A label file is opened
     * more than once (its format is told from its first bytes), which a stream cannot give: a second
     * open would miss the bytes already read, or wait for a writer that is gone. A missing file is
     * left to the reader, which names it.
     */
    static void checkRegular(Path file) throws NpyException {
        if (Files.isDirectory(file)) {
            throw new NpyException(file, "is a directory, not a label file");
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new NpyException(file, "is not a regular file (a pipe, a FIFO or a device): label files are read"
                    + " more than once, so save the data to a file first");
        }
    }

    /** Whether the file starts with the {@code .npy} magic string, whatever its name. */
    static boolean isNpy(Path path) throws IOException {
        byte[] start = new byte[NPY_MAGIC.length];
        try (java.io.InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(start, 0, start.length) == start.length && java.util.Arrays.equals(start, NPY_MAGIC);
        }
    }

    private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /**
     * One integer per line, surrounding blanks allowed; a blank line only at the very end. A UTF-8
     * byte order mark at the start is skipped.
     */
    private static int[] readText(Path path) throws IOException {
        IntArrayList labels = new IntArrayList();
        readLines(path, "one integer label per line",
                blank -> "line " + blank + ": blank line (expected one integer label per line)",
                (number, s) -> labels.add(parse(path, number, s)));
        if (labels.isEmpty()) {
            throw new NpyException(path, "no labels");
        }
        return labels.toIntArray();
    }

    /** What a text reader does with one line: stripped, not blank, numbered from 1. */
    interface LineReader {
        void line(int number, String s) throws NpyException;
    }

    /**
     * Hands each non-blank line of the UTF-8 text file {@code path} to {@code reader}, stripped of
     * surrounding blanks and of a byte order mark at the start. Blank lines are allowed only at the
     * very end: a blank line followed by another line is refused with the problem
     * {@code blank.apply(its number)}; a file that is not UTF-8 with one naming {@code format}.
     */
    static void readLines(Path path, String format, IntFunction<String> blank, LineReader reader) throws IOException {
        int firstBlank = 0;
        try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (number == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                String s = line.strip();
                if (s.isEmpty()) {
                    if (firstBlank == 0) {
                        firstBlank = number;
                    }
                    continue;
                }
                if (firstBlank != 0) {
                    throw new NpyException(path, blank.apply(firstBlank));
                }
                reader.line(number, s);
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new NpyException(path, "not a UTF-8 text file (expected " + format + ", or .npy)");
        }
    }

    /** The integer label {@code s} on {@code line}; refusals name the file, the line and the token. */
    static int parse(Path path, int line, String s) throws NpyException {
        int i = s.startsWith("-") || s.startsWith("+") ? 1 : 0;
        boolean digits = i < s.length();
        for (int j = i; j < s.length(); j++) {
            digits &= s.charAt(j) >= '0' && s.charAt(j) <= '9';
        }
        if (!digits) {
            throw new NpyException(path, "line " + line + ": '" + shorten(s) + "' is not an integer label");
        }
        long v = 0;
        for (int j = i; j < s.length() && v <= Integer.MAX_VALUE + 1L; j++) {
            v = v * 10 + (s.charAt(j) - '0');
        }
        v = s.charAt(0) == '-' ? -v : v;
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new NpyException(path, "line " + line + ": " + shorten(s) + " is outside the int range");
        }
        return (int) v;
    }

    /** At most 40 characters of {@code s}, with control characters escaped so a message stays one line. */
    public static String shorten(String s) {
        String t = s.length() <= 40 ? s : s.substring(0, 37) + "...";
        StringBuilder b = new StringBuilder(t.length() + 8);
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0 || c == 0x2028 || c == 0x2029) {
                b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}

package io.github.balancedbatch.cli;

import io.github.balancedbatch.npy.NpyException;
import io.github.balancedbatch.npy.NpyLabels;
import io.github.balancedbatch.sampler.ClassIndex;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a label file: {@code .npy} (see the npy package) or text with one integer per line. */
final class LabelFiles {
    private LabelFiles() {
    }

    /** Groups the labels of {@code path}; every problem becomes a {@link CliException} naming the file. */
    static ClassIndex read(Path path) {
        try {
            if (Files.isDirectory(path)) {
                throw new CliException(path + " is a directory, not a label file");
            }
            Path name = path.getFileName();
            if (name != null && name.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".npy") || isNpy(path)) {
                NpyLabels labels = NpyLabels.read(path);
                return labels.oneHot()
                        ? ClassIndex.ofColumns(labels.labels(), labels.width())
                        : ClassIndex.of(labels.labels());
            }
            return ClassIndex.of(readText(path));
        } catch (NpyException e) {
            throw new CliException(e.getMessage());
        } catch (NoSuchFileException e) {
            throw new CliException(path + ": no such file");
        } catch (IOException e) {
            throw new CliException(path + ": cannot read: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new CliException(path + ": " + e.getMessage());
        }
    }

    /** Whether the file starts with the {@code .npy} magic string, whatever its name. */
    private static boolean isNpy(Path path) throws IOException {
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
    static int[] readText(Path path) throws IOException {
        IntArrayList labels = new IntArrayList();
        int blank = 0;
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
                    if (blank == 0) {
                        blank = number;
                    }
                    continue;
                }
                if (blank != 0) {
                    throw new CliException(path + " line " + blank + ": blank line (expected one integer label per line)");
                }
                labels.add(parse(path, number, s));
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new CliException(path + ": not a UTF-8 text file (expected one integer label per line, or .npy)");
        }
        if (labels.isEmpty()) {
            throw new CliException(path + ": no labels");
        }
        return labels.toIntArray();
    }

    private static int parse(Path path, int line, String s) {
        int i = s.startsWith("-") || s.startsWith("+") ? 1 : 0;
        boolean digits = i < s.length();
        for (int j = i; j < s.length(); j++) {
            digits &= s.charAt(j) >= '0' && s.charAt(j) <= '9';
        }
        if (!digits) {
            throw new CliException(path + " line " + line + ": '" + shorten(s) + "' is not an integer label");
        }
        long v = 0;
        for (int j = i; j < s.length() && v <= Integer.MAX_VALUE + 1L; j++) {
            v = v * 10 + (s.charAt(j) - '0');
        }
        v = s.charAt(0) == '-' ? -v : v;
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new CliException(path + " line " + line + ": " + shorten(s) + " is outside the int range");
        }
        return (int) v;
    }

    /** At most 40 characters of {@code s}, with control characters escaped so a message stays one line. */
    static String shorten(String s) {
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

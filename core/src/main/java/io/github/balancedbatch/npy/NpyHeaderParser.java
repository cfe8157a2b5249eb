package io.github.balancedbatch.npy;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Recursive-descent parser for the tiny subset of Python literal syntax numpy writes:
 * a dict with string keys, a string, a bool and a tuple of non-negative integers.
 * Every step consumes input or fails, so it cannot loop forever.
 *
 * <p>Used once per header by {@link NpyHeader#read}; an instance parses one header text and is not
 * thread-safe. Errors are {@link NpyException}s naming the file and the character where parsing
 * stopped.
 */
final class NpyHeaderParser {
    private final Path file;
    private final String s;
    private int i;

    /** The three header entries, as parsed; {@link NpyHeader} validates their values. */
    static final class Dict {
        String descr;
        Boolean fortranOrderSeen;
        boolean fortranOrder;
        long[] shape;
    }

    NpyHeaderParser(Path file, String s) {
        this.file = file;
        this.s = s;
    }

    Dict parse() throws NpyException {
        Dict d = new Dict();
        skipWs();
        expect('{', "the header to start with '{'");
        while (true) {
            skipWs();
            if (peek() == '}') {
                i++;
                break;
            }
            if (peek() != '\'' && peek() != '"') {
                throw fail("expected a quoted key or '}'");
            }
            String key = string();
            skipWs();
            expect(':', "':' after key '" + NpyType.clip(key) + "'");
            skipWs();
            switch (key) {
                case "descr":
                    if (d.descr != null) {
                        throw duplicate(key);
                    }
                    if (peek() == '[') {
                        throw new NpyException(file, "structured dtypes (a list of fields in 'descr') are not supported");
                    }
                    if (peek() != '\'' && peek() != '"') {
                        throw fail("expected a string as the value of 'descr'");
                    }
                    d.descr = string();
                    break;
                case "fortran_order":
                    if (d.fortranOrderSeen != null) {
                        throw duplicate(key);
                    }
                    if (s.startsWith("True", i)) {
                        d.fortranOrder = true;
                        i += 4;
                    } else if (s.startsWith("False", i)) {
                        d.fortranOrder = false;
                        i += 5;
                    } else {
                        throw fail("expected True or False as the value of 'fortran_order'");
                    }
                    d.fortranOrderSeen = Boolean.TRUE;
                    break;
                case "shape":
                    if (d.shape != null) {
                        throw duplicate(key);
                    }
                    d.shape = tuple();
                    break;
                default:
                    throw new NpyException(file, "unknown header key '" + NpyType.clip(key)
                            + "' (expected 'descr', 'fortran_order', 'shape')");
            }
            skipWs();
            if (peek() == ',') {
                i++;
            } else if (peek() != '}') {
                throw fail("expected ',' or '}' after the value of '" + key + "'");
            }
        }
        skipWs();
        if (i < s.length()) {
            throw fail("unexpected text after the closing '}'");
        }
        if (d.descr == null) {
            throw missing("descr");
        }
        if (d.fortranOrderSeen == null) {
            throw missing("fortran_order");
        }
        if (d.shape == null) {
            throw missing("shape");
        }
        return d;
    }

    private long[] tuple() throws NpyException {
        int start = i;
        expect('(', "a tuple '(' as the value of 'shape'");
        long[] dims = new long[4];
        int n = 0;
        boolean sawComma = false;
        while (true) {
            skipWs();
            if (peek() == ')') {
                i++;
                break;
            }
            if (n > 0 && !sawComma) {
                throw fail("expected ',' or ')' in the shape");
            }
            long dim = dimension();
            if (n == dims.length) {
                dims = Arrays.copyOf(dims, n * 2);
            }
            dims[n++] = dim;
            skipWs();
            sawComma = peek() == ',';
            if (sawComma) {
                i++;
            }
        }
        if (n == 1 && !sawComma) {
            throw new NpyException(file, "shape " + NpyType.clip(s.substring(start, i))
                    + " is not a tuple (a one-element tuple needs a trailing comma)");
        }
        return Arrays.copyOf(dims, n);
    }

    private long dimension() throws NpyException {
        int start = i;
        while (i < s.length() && "+-.0123456789_xXabcdefABCDEFeEjLl".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        String tok = s.substring(start, i);
        if (tok.isEmpty()) {
            throw fail("expected a dimension in the shape");
        }
        String digits = tok;
        if (digits.endsWith("L") || digits.endsWith("l")) {
            digits = digits.substring(0, digits.length() - 1); // Python 2 long suffix
        }
        if (digits.length() > 1 && digits.charAt(0) == '-'
                && digits.chars().skip(1).allMatch(c -> c >= '0' && c <= '9')) {
            throw new NpyException(file, "negative dimension " + NpyType.clip(tok) + " in shape");
        }
        if (digits.isEmpty()) {
            throw badDim(tok);
        }
        long v = 0;
        for (int k = 0; k < digits.length(); k++) {
            char c = digits.charAt(k);
            if (c < '0' || c > '9') {
                throw badDim(tok);
            }
            try {
                v = Math.addExact(Math.multiplyExact(v, 10), c - '0');
            } catch (ArithmeticException e) {
                throw new NpyException(file, "dimension " + NpyType.clip(tok)
                        + " in shape does not fit in a long");
            }
        }
        return v;
    }

    private String string() throws NpyException {
        char q = s.charAt(i);
        int start = ++i;
        while (i < s.length() && s.charAt(i) != q) {
            char c = s.charAt(i);
            if (c == '\\') {
                throw fail("escape sequences in header strings are not supported");
            }
            if (c == '\n' || c == '\r') {
                throw fail("unterminated string");
            }
            i++;
        }
        if (i >= s.length()) {
            throw fail("unterminated string");
        }
        return s.substring(start, i++);
    }

    private void skipWs() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                break;
            }
            i++;
        }
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private void expect(char c, String what) throws NpyException {
        if (peek() != c) {
            throw fail("expected " + what);
        }
        i++;
    }

    private NpyException badDim(String tok) {
        return new NpyException(file, "dimension '" + NpyType.clip(tok)
                + "' in shape is not a non-negative integer");
    }

    private NpyException duplicate(String key) {
        return new NpyException(file, "duplicate header key '" + key + "'");
    }

    private NpyException missing(String key) {
        return new NpyException(file, "header is missing key '" + key + "'");
    }

    private NpyException fail(String what) {
        String found = i < s.length()
                ? "found '" + NpyType.clip(s.substring(i, Math.min(s.length(), i + 12))) + "'"
                : "found the end of the header";
        return new NpyException(file, "malformed header: " + what + " at character " + i
                + ", " + found);
    }
}

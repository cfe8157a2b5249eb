package io.github.balancedbatch.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs the tool in-process and reads what it wrote. */
record Cli(int status, String out, String err) {

    static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Cli(status, out.toString(), err.toString());
    }

    /** The payload of an int32 or float32 .npy file as little-endian bytes after its header. */
    static ByteBuffer data(Path npy) throws IOException {
        byte[] all = Files.readAllBytes(npy);
        int headerLength = (all[8] & 0xFF) | (all[9] & 0xFF) << 8;
        return ByteBuffer.wrap(all, 10 + headerLength, all.length - 10 - headerLength).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    static int[] ints(Path npy) throws IOException {
        ByteBuffer b = data(npy);
        int[] a = new int[b.remaining() / 4];
        b.asIntBuffer().get(a);
        return a;
    }

    static float[] floats(Path npy) throws IOException {
        ByteBuffer b = data(npy);
        float[] a = new float[b.remaining() / 4];
        b.asFloatBuffer().get(a);
        return a;
    }

    static String header(Path npy) throws IOException {
        byte[] all = Files.readAllBytes(npy);
        int headerLength = (all[8] & 0xFF) | (all[9] & 0xFF) << 8;
        return new String(all, 10, headerLength, java.nio.charset.StandardCharsets.ISO_8859_1).strip();
    }
}

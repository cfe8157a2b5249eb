package io.github.balancedbatch.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of the README compiles, so the documentation cannot rot. It lives in
 * this module because its test class path holds everything the README shows: the core and DJL. Each block
 * becomes the body of a method in a class that extends {@link #CONTEXT}: the names a README
 * snippet takes as given (the user's labels, their training step, a sampler made earlier on the
 * page, ...) are declared there, and every other name must come from the snippet itself or from
 * the imports below.
 */
class ReadmeSnippetsTest {
    static final Path README = Path.of("..", "README.md");

    static final String IMPORTS = String.join("\n",
            "import ai.djl.ndarray.*;",
            "import ai.djl.ndarray.types.*;",
            "import ai.djl.training.*;",
            "import io.github.balancedbatch.data.*;",
            "import io.github.balancedbatch.djl.*;",
            "import io.github.balancedbatch.npy.*;",
            "import io.github.balancedbatch.pipeline.*;",
            "import io.github.balancedbatch.sampler.*;",
            "import java.nio.*;",
            "import java.nio.file.*;",
            "import java.util.*;");

    /** What the README's snippets take as given. */
    static final String CONTEXT = String.join("\n",
            "abstract class ReadmeContext {",
            "    int[] labels; int[] rows; int epochs; long steps; int startEpoch; int startBatch;",
            "    NDManager manager; Trainer trainer;",
            "    BalancedBatchSampler sampler; BatchCursor cursor; FeatureMatrix images; FeatureMatrix masks;",
            "    abstract void train(Object... data);",
            "}");

    static List<String> javaBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        StringBuilder block = null;
        for (String line : lines) {
            if (block == null && line.strip().equals("```java")) {
                block = new StringBuilder();
            } else if (block != null && line.strip().equals("```")) {
                blocks.add(block.toString());
                block = null;
            } else if (block != null) {
                block.append(line).append('\n');
            }
        }
        assertEquals(null, block, "an unterminated ```java block");
        return blocks;
    }

    @Test
    void everyJavaBlockOfTheReadmeCompiles(@TempDir Path out) throws IOException {
        List<String> blocks = javaBlocks(Files.readString(README));
        assertFalse(blocks.isEmpty(), "the README shows Java code");
        List<JavaFileObject> sources = new ArrayList<>();
        sources.add(source("ReadmeContext", IMPORTS + "\n" + CONTEXT));
        for (int i = 0; i < blocks.size(); i++) {
            String name = "ReadmeSnippet" + i;
            sources.add(source(name, IMPORTS + "\nabstract class " + name + " extends ReadmeContext {\n"
                    + "    void run() throws Exception {\n" + blocks.get(i) + "    }\n}\n"));
        }
        assertTrue(compile(sources, out).isEmpty(), () -> compile(sources, out));
    }

    /** The test itself fails on a snippet that does not compile. */
    @Test
    void aBrokenSnippetIsCaught(@TempDir Path out) {
        List<JavaFileObject> sources = List.of(source("ReadmeContext", IMPORTS + "\n" + CONTEXT),
                source("Broken", IMPORTS + "\nabstract class Broken extends ReadmeContext {\n void run() throws Exception {\n"
                        + javaBlocks("```java\nint batch = 1;\nint batch = 2;\n```\n").get(0) + "}\n}\n"));
        String errors = compile(sources, out);
        assertTrue(errors.contains("already defined"), errors);
    }

    /** Compiles against the test class path; returns the errors, empty if none. */
    private static String compile(List<JavaFileObject> sources, Path out) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "a JDK is needed to compile the README's snippets");
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<String> options = List.of("-classpath", classPath, "-d", out.toString(), "-proc:none", "-Xlint:none");
            StringWriter log = new StringWriter();
            javac.getTask(log, files, diagnostics, options, null, sources).call();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        StringBuilder errors = new StringBuilder();
        diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == javax.tools.Diagnostic.Kind.ERROR)
                .forEach(d -> errors.append(d.getSource() == null ? "" : d.getSource().getName()).append(':')
                        .append(d.getLineNumber()).append(": ").append(d.getMessage(Locale.ROOT)).append('\n'));
        return errors.toString();
    }

    private static JavaFileObject source(String className, String code) {
        return new SimpleJavaFileObject(URI.create("string:///" + className + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return code;
            }
        };
    }
}

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
 * Every {@code ```java} block of the README and of {@code docs/*.md} compiles, so the documentation
 * cannot rot. It lives in this module because its test class path holds everything the documents
 * show: the core and DJL. A block starts with its own imports (a reader copies them with the code:
 * nothing is imported for it) and the rest becomes the body of a method in a class that extends
 * {@link #CONTEXT}: the names a snippet takes as given (the user's labels, their training step, a
 * sampler made earlier on the page, ...) are declared there.
 */
class ReadmeSnippetsTest {
    static final Path ROOT = Path.of("..");

    /** What the snippets take as given, with fully qualified types so that snippets import their own. */
    static final String CONTEXT = String.join("\n",
            "abstract class DocContext {",
            "    int[] labels; int[] rows; int epochs; long steps; int startEpoch; int startBatch;",
            "    ai.djl.ndarray.NDManager manager; ai.djl.training.Trainer trainer;",
            "    io.github.balancedbatch.sampler.BalancedBatchSampler sampler;",
            "    io.github.balancedbatch.sampler.BatchCursor cursor;",
            "    io.github.balancedbatch.data.FeatureMatrix images; io.github.balancedbatch.data.FeatureMatrix masks;",
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

    /** A block as a compilation unit: its leading import lines, then the rest as a method body. */
    static String unit(String className, String block) {
        StringBuilder imports = new StringBuilder();
        StringBuilder body = new StringBuilder();
        boolean head = true;
        for (String line : block.split("\n", -1)) {
            if (head && (line.startsWith("import ") || line.isBlank())) {
                imports.append(line).append('\n');
            } else {
                head = false;
                body.append(line).append('\n');
            }
        }
        return imports + "abstract class " + className + " extends DocContext {\n"
                + "    void run() throws Exception {\n" + body + "    }\n}\n";
    }

    /** README.md, then every docs/*.md in name order. */
    static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>();
        docs.add(ROOT.resolve("README.md"));
        try (var files = Files.list(ROOT.resolve("docs"))) {
            files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    @Test
    void everyJavaBlockOfTheReadmeAndTheDocsCompiles(@TempDir Path out) throws IOException {
        List<JavaFileObject> sources = new ArrayList<>();
        sources.add(source("DocContext", CONTEXT));
        int readme = 0;
        for (Path doc : documents()) {
            List<String> blocks = javaBlocks(Files.readString(doc));
            if (doc.getFileName().toString().equals("README.md")) {
                readme = blocks.size();
            }
            String stem = doc.getFileName().toString().replaceAll("[^A-Za-z0-9]", "_");
            for (int i = 0; i < blocks.size(); i++) {
                String name = stem + "_block" + i;
                sources.add(source(name, unit(name, blocks.get(i))));
            }
        }
        assertTrue(readme > 0, "the README shows Java code");
        assertTrue(compile(sources, out).isEmpty(), () -> compile(sources, out));
    }

    /** The test itself fails on a snippet that does not compile, and on one that lacks an import. */
    @Test
    void aBrokenSnippetIsCaught(@TempDir Path out) {
        String twice = javaBlocks("```java\nint batch = 1;\nint batch = 2;\n```\n").get(0);
        String errors = compile(List.of(source("DocContext", CONTEXT), source("Broken", unit("Broken", twice))), out);
        assertTrue(errors.contains("already defined"), errors);
        String noImport = "BalancedBatchSampler s = sampler;\n";
        errors = compile(List.of(source("DocContext", CONTEXT), source("NoImport", unit("NoImport", noImport))), out);
        assertTrue(errors.contains("cannot find symbol"), errors);
        String imported = "import io.github.balancedbatch.sampler.BalancedBatchSampler;\n\nBalancedBatchSampler s = sampler;\n";
        errors = compile(List.of(source("DocContext", CONTEXT), source("Imported", unit("Imported", imported))), out);
        assertEquals("", errors);
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

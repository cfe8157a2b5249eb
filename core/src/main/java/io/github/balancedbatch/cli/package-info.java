/**
 * The command-line tool, {@code java -jar balanced-batch-cli.jar}: one class per command
 * ({@code sample}, {@code inspect}, {@code bench}, {@code report}; no command runs the demo), the
 * options they share ({@link io.github.balancedbatch.cli.SamplerOptions}), reading label and feature
 * files, and writing outputs.
 *
 * <p>This package is the boundary where every failure becomes an exit status: 0 on success, 2 for bad
 * arguments or bad input with one {@code error:} line on stderr, 1 only for an internal fault; no
 * stack trace reaches the user. It uses the library only through its public API, and nothing in the
 * library depends on it; picocli, which parses the command line, is an optional dependency that
 * library users never inherit.
 */
package io.github.balancedbatch.cli;

/**
 * The few facts every other package shares: the largest array length the JVM allocates, and how
 * output files are written (which targets may be replaced, temporary file names, leftovers of
 * killed runs). Depends on nothing of ours; every package may depend on it.
 */
package io.github.balancedbatch.util;

package io.modelship.runtime.cli;

import java.util.concurrent.Callable;

/**
 * A picocli command a format module adds to the command line (Smile's {@code train}, {@code demo}),
 * found with {@link java.util.ServiceLoader} like the formats themselves, so a build without that
 * module simply lacks the command.
 */
public interface ContributedCommand extends Callable<Integer> {}

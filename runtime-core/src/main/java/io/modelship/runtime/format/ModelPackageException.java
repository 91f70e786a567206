package io.modelship.runtime.format;

/**
 * A model package that cannot be used; the message names what is wrong, for users and for {@code
 * /ready}.
 */
public class ModelPackageException extends RuntimeException {
  public ModelPackageException(String message) {
    super(message);
  }

  public ModelPackageException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.modelship.runtime.retraining;

/** A run cannot go on; the message is the one-line reason the result carries. */
public final class RetrainException extends RuntimeException {

  public RetrainException(String message) {
    super(message);
  }

  public RetrainException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.modelship.operator.text;

/** Counts in status messages, as a person would write them: "1 pod", "2 ready pods". */
public final class Plural {

  private Plural() {}

  /**
   * {@code n} and the noun, with an s unless {@code n} is 1: {@code count(1, "ready pod")} is "1
   * ready pod".
   */
  public static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  public static String pods(long n) {
    return count(n, "pod");
  }
}

package io.modelship.operator.rollout.plan;

import io.modelship.api.v1alpha1.status.HandledTokens;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The manual-control annotations as read. A value is a token: it acts once, when it differs from
 * the one {@code status.rollout.handledTokens} recorded, so nobody ever has to remove it.
 */
public record ManualControl(String promote, String promoteFull, String abort, String retry) {

  public static final String PROMOTE = "modelship.io/promote";
  public static final String PROMOTE_FULL = "modelship.io/promote-full";
  public static final String ABORT = "modelship.io/abort";
  public static final String RETRY = "modelship.io/retry";

  public static final ManualControl NONE = new ManualControl(null, null, null, null);

  public static ManualControl of(Map<String, String> annotations) {
    if (annotations == null) {
      return NONE;
    }
    return new ManualControl(
        annotations.get(PROMOTE),
        annotations.get(PROMOTE_FULL),
        annotations.get(ABORT),
        annotations.get(RETRY));
  }

  /** The kinds of intent, in the order they are considered when several arrive together. */
  public enum Intent {
    ABORT,
    RETRY,
    PROMOTE_FULL,
    PROMOTE
  }

  /** Whether this intent carries a token not handled yet. */
  public boolean isNew(Intent intent, HandledTokens handled) {
    String token = token(intent);
    return token != null
        && !token.isBlank()
        && !Objects.equals(token, handledToken(intent, handled));
  }

  /** All current tokens recorded as handled: what a rollout does with tokens it does not act on. */
  public HandledTokens handledAll() {
    var tokens = new HandledTokens();
    tokens.setPromote(promote);
    tokens.setPromoteFull(promoteFull);
    tokens.setAbort(abort);
    tokens.setRetry(retry);
    return tokens;
  }

  /** {@code handled} with {@code intent}'s current token recorded. */
  public HandledTokens handle(Intent intent, HandledTokens handled) {
    var tokens = copy(handled);
    switch (intent) {
      case PROMOTE -> tokens.setPromote(promote);
      case PROMOTE_FULL -> tokens.setPromoteFull(promoteFull);
      case ABORT -> tokens.setAbort(abort);
      case RETRY -> tokens.setRetry(retry);
    }
    return tokens;
  }

  /**
   * {@code handled} with every token present now recorded; a removed annotation keeps its last
   * token.
   */
  public HandledTokens spent(HandledTokens handled) {
    HandledTokens kept = copy(handled);
    if (promote != null) {
      kept.setPromote(promote);
    }
    if (promoteFull != null) {
      kept.setPromoteFull(promoteFull);
    }
    if (abort != null) {
      kept.setAbort(abort);
    }
    if (retry != null) {
      kept.setRetry(retry);
    }
    return kept;
  }

  public static HandledTokens copy(HandledTokens handled) {
    var tokens = new HandledTokens();
    if (handled != null) {
      tokens.setPromote(handled.getPromote());
      tokens.setPromoteFull(handled.getPromoteFull());
      tokens.setAbort(handled.getAbort());
      tokens.setRetry(handled.getRetry());
    }
    return tokens;
  }

  private String token(Intent intent) {
    return switch (intent) {
      case PROMOTE -> promote;
      case PROMOTE_FULL -> promoteFull;
      case ABORT -> abort;
      case RETRY -> retry;
    };
  }

  private static String handledToken(Intent intent, HandledTokens handled) {
    return Optional.ofNullable(handled)
        .map(
            h ->
                switch (intent) {
                  case PROMOTE -> h.getPromote();
                  case PROMOTE_FULL -> h.getPromoteFull();
                  case ABORT -> h.getAbort();
                  case RETRY -> h.getRetry();
                })
        .orElse(null);
  }
}

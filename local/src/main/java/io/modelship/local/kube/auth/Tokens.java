package io.modelship.local.kube.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded API's bearer-token authenticator: the admin token local mode writes into its
 * kubeconfig (user {@code kubernetes-admin} in {@code system:masters}, as a kind cluster's admin
 * certificate says) and ServiceAccount tokens issued as the TokenRequest API issues them, each
 * until its expiry. Tokens are opaque random strings known only to this process, not signed JWTs.
 */
public final class Tokens {

  /** What a request's Authorization header comes to. */
  public sealed interface Result permits Authenticated, Anonymous, Rejected {}

  public record Authenticated(UserInfo user) implements Result {}

  /** No credentials: kube-apiserver's anonymous user, then left to authorization. */
  public record Anonymous() implements Result {}

  /** Credentials that name nobody (unknown or expired token): 401 Unauthorized. */
  public record Rejected() implements Result {}

  public record Issued(String token, Instant expiration) {}

  public static final UserInfo ADMIN =
      new UserInfo("kubernetes-admin", List.of(UserInfo.MASTERS, UserInfo.AUTHENTICATED));

  /** kube-apiserver's default TokenRequest lifetime and the shortest it accepts. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(1);

  public static final Duration MIN_TTL = Duration.ofMinutes(10);

  private record Entry(UserInfo user, Instant expiration) {}

  private final SecureRandom random = new SecureRandom();
  private final Map<String, Entry> tokens = new ConcurrentHashMap<>();
  private final Clock clock;
  private final String adminToken;

  public Tokens(Clock clock) {
    this.clock = clock;
    adminToken = newToken();
    tokens.put(adminToken, new Entry(ADMIN, Instant.MAX));
  }

  public String adminToken() {
    return adminToken;
  }

  /**
   * A token for ServiceAccount {@code namespace/name}, valid for {@code ttl} (at least 10 minutes).
   */
  public Issued issue(String namespace, String name, Duration ttl) {
    Duration lifetime = ttl.compareTo(MIN_TTL) < 0 ? MIN_TTL : ttl;
    String token = newToken();
    Instant expiration = clock.instant().plus(lifetime);
    tokens.put(token, new Entry(UserInfo.serviceAccount(namespace, name), expiration));
    return new Issued(token, expiration);
  }

  /** Reads an {@code Authorization} header (null when the request has none). */
  public Result authenticate(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return new Anonymous();
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return new Rejected();
    }
    Entry entry = tokens.get(authorization.substring(7).trim());
    if (entry == null) {
      return new Rejected();
    }
    if (!clock.instant().isBefore(entry.expiration())) {
      tokens.values().remove(entry);
      return new Rejected();
    }
    return new Authenticated(entry.user());
  }

  public Optional<UserInfo> user(String token) {
    return authenticate("Bearer " + token) instanceof Authenticated a
        ? Optional.of(a.user())
        : Optional.empty();
  }

  private String newToken() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}

package io.modelship.local.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parts of a Gateway API HTTPRoute that decide where one request goes: rules in precedence
 * order (more header matches first, as the spec orders ties), each with path and exact header
 * matches, weighted backendRefs and an optional RequestMirror filter. Pure: no sockets, no clock;
 * the weighted pick is a smooth weighted round robin, so 10 requests at weights 90/10 give exactly
 * 9 and 1.
 */
public final class RouteRules {

  public record Backend(String service, int weight) {}

  public record Mirror(String service, int percent) {}

  record HeaderMatch(String name, String value) {}

  record Match(String pathType, String path, List<HeaderMatch> headers) {
    boolean test(String requestPath, Map<String, String> requestHeaders) {
      if (path != null) {
        boolean ok =
            "Exact".equals(pathType)
                ? requestPath.equals(path)
                : requestPath.equals(path)
                    || requestPath.startsWith(path.endsWith("/") ? path : path + "/")
                    || path.equals("/");
        if (!ok) {
          return false;
        }
      }
      for (HeaderMatch h : headers) {
        String actual =
            requestHeaders.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(h.name()))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
        if (!h.value().equals(actual)) {
          return false;
        }
      }
      return true;
    }
  }

  static final class Rule {
    final List<Match> matches;
    final List<Backend> backends;
    final Mirror mirror;
    private final int[] current;

    Rule(List<Match> matches, List<Backend> backends, Mirror mirror) {
      this.matches = matches;
      this.backends = backends;
      this.mirror = mirror;
      this.current = new int[backends.size()];
    }

    int headerMatches() {
      return matches.stream().mapToInt(m -> m.headers().size()).max().orElse(0);
    }

    boolean test(String path, Map<String, String> headers) {
      return matches.isEmpty() || matches.stream().anyMatch(m -> m.test(path, headers));
    }

    /**
     * Smooth weighted round robin (nginx's): deterministic, and exact over every window of total
     * weight.
     */
    synchronized Optional<Backend> pick() {
      int total = 0;
      int best = -1;
      for (int i = 0; i < backends.size(); i++) {
        int w = backends.get(i).weight();
        if (w <= 0) {
          continue;
        }
        current[i] += w;
        total += w;
        if (best < 0 || current[i] > current[best]) {
          best = i;
        }
      }
      if (best < 0) {
        return Optional.empty();
      }
      current[best] -= total;
      return Optional.of(backends.get(best));
    }
  }

  /** Where a request goes: the backend Service and, when mirrored, a copy's Service. */
  public record Decision(Backend backend, Optional<String> mirrorTo) {}

  private final List<Rule> rules;
  private long mirrorCounter;

  private RouteRules(List<Rule> rules) {
    this.rules = rules;
  }

  /** The rules of an HTTPRoute object (as JSON). */
  public static RouteRules of(JsonNode route) {
    List<Rule> rules = new ArrayList<>();
    for (JsonNode rule : route.path("spec").path("rules")) {
      List<Match> matches = new ArrayList<>();
      for (JsonNode m : rule.path("matches")) {
        List<HeaderMatch> headers = new ArrayList<>();
        for (JsonNode h : m.path("headers")) {
          if (!"RegularExpression".equals(h.path("type").asText())) {
            headers.add(new HeaderMatch(h.path("name").asText(), h.path("value").asText()));
          }
        }
        JsonNode path = m.path("path");
        matches.add(
            new Match(
                path.path("type").asText("PathPrefix"),
                path.has("value") ? path.path("value").asText() : null,
                List.copyOf(headers)));
      }
      List<Backend> backends = new ArrayList<>();
      for (JsonNode ref : rule.path("backendRefs")) {
        if (ref.path("kind").asText("Service").equals("Service")) {
          backends.add(new Backend(ref.path("name").asText(), ref.path("weight").asInt(1)));
        }
      }
      Mirror mirror = null;
      for (JsonNode filter : rule.path("filters")) {
        if ("RequestMirror".equals(filter.path("type").asText())) {
          JsonNode m = filter.path("requestMirror");
          int percent =
              m.has("percent")
                  ? m.path("percent").asInt()
                  : m.has("fraction")
                      ? (int)
                          Math.round(
                              100.0
                                  * m.path("fraction").path("numerator").asDouble()
                                  / m.path("fraction").path("denominator").asDouble(100))
                      : 100;
          mirror = new Mirror(m.path("backendRef").path("name").asText(), percent);
        }
      }
      rules.add(new Rule(List.copyOf(matches), List.copyOf(backends), mirror));
    }
    // Stable sort: the route's order stays among rules of equal precedence.
    rules.sort(Comparator.comparingInt(Rule::headerMatches).reversed());
    return new RouteRules(List.copyOf(rules));
  }

  /** Every Service a request may be sent or mirrored to under these rules. */
  public Set<String> services() {
    Set<String> names = new LinkedHashSet<>();
    for (Rule rule : rules) {
      rule.backends.forEach(b -> names.add(b.service()));
      if (rule.mirror != null) {
        names.add(rule.mirror.service());
      }
    }
    return names;
  }

  /** The decision for one request, or empty when no rule matches (404 at a gateway). */
  public synchronized Optional<Decision> route(String path, Map<String, String> headers) {
    for (Rule rule : rules) {
      if (rule.test(path, headers)) {
        Optional<Backend> backend = rule.pick();
        if (backend.isEmpty()) {
          return Optional.empty();
        }
        Optional<String> mirror = Optional.empty();
        if (rule.mirror != null && rule.mirror.percent() > 0) {
          // Every request at 100%, every other at 50%, and so on: an exact share, not a coin toss.
          mirrorCounter++;
          if ((mirrorCounter * rule.mirror.percent()) / 100
              != ((mirrorCounter - 1) * rule.mirror.percent()) / 100) {
            mirror = Optional.of(rule.mirror.service());
          }
        }
        return Optional.of(new Decision(backend.get(), mirror));
      }
    }
    return Optional.empty();
  }
}

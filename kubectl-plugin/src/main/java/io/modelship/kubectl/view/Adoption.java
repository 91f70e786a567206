package io.modelship.kubectl.view;

import io.modelship.kubectl.view.Retraining.Candidate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which retraining candidate {@code adopt} writes into spec.model, and the spec.model to commit
 * instead ({@code adopt --print}). The operator never writes spec.model: adopting is a person's or
 * a pipeline's edit, which then rolls out by the resource's strategy like any new version.
 */
public final class Adoption {

  /** What adopting replaces; the rest of spec.model (name, storage) stays. */
  private static final Set<String> REPLACED = Set.of("version", "uri", "uriFrom", "sha256");

  private Adoption() {}

  /**
   * With a version: that candidate, whatever its verdict. Without: the newest Better one.
   *
   * @throws IllegalArgumentException naming what is missing and what there is
   */
  public static Candidate choose(ModelDeploymentView md, String version) {
    Retraining retraining = md.retraining();
    List<Candidate> candidates = retraining.candidates();
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException(
          md.ref()
              + " has no retraining candidates"
              + (retraining.configured()
                  ? " yet (kubectl modelship candidates " + md.name() + " shows its runs)"
                  : ": spec.retraining is not set"));
    }
    Candidate found;
    if (version != null) {
      found = retraining.candidate(version);
      if (found == null) {
        throw new IllegalArgumentException(
            "no candidate " + version + " of " + md.ref() + ": candidates are " + known(md));
      }
    } else {
      found = retraining.newestBetter();
      if (found == null) {
        throw new IllegalArgumentException(
            "no candidate of "
                + md.ref()
                + " is Better than the version it was compared with: "
                + known(md)
                + "; name one with --candidate V to adopt it anyway");
      }
    }
    if (found.version().equals(md.specVersion())) {
      throw new IllegalArgumentException(
          md.ref() + " already asks for version " + found.version() + " in spec.model");
    }
    if (found.uri() == null) {
      throw new IllegalArgumentException(
          "candidate " + found.version() + " of " + md.ref() + " has no uri in status.retraining");
    }
    return found;
  }

  /** "2.0.0-retrain.2 (NotBetter), 2.0.0-retrain.1 (Better)", newest first. */
  private static String known(ModelDeploymentView md) {
    return md.retraining().candidates().stream()
        .map(c -> c.version() + " (" + (c.verdict() == null ? "no verdict" : c.verdict()) + ")")
        .collect(Collectors.joining(", "));
  }

  /** {@code adopt --print}: a comment naming the candidate, then the spec.model to commit. */
  public static String print(Map<String, Object> resource, Candidate candidate) {
    ModelDeploymentView md = ModelDeploymentView.from(resource);
    Map<String, Object> current = new LinkedHashMap<>();
    Fields.of(resource)
        .get("spec")
        .get("model")
        .entries()
        .forEach(e -> current.put(e.getKey(), e.getValue().raw()));
    return "# "
        + md.ref()
        + ": candidate "
        + candidate.version()
        + " ("
        + candidate.comparison()
        + "); commit this in Git:\n"
        + yaml(model(current, candidate));
  }

  /**
   * spec.model as it should be in Git with the candidate adopted: the current spec.model (name,
   * storage, …) with the candidate's version, uri and sha256, and no uriFrom.
   */
  public static Map<String, Object> model(Map<String, Object> currentModel, Candidate candidate) {
    var model = new LinkedHashMap<String, Object>();
    if (currentModel.get("name") != null) {
      model.put("name", currentModel.get("name"));
    }
    model.put("version", candidate.version());
    model.put("uri", candidate.uri());
    if (candidate.sha256() != null) {
      model.put("sha256", candidate.sha256());
    }
    currentModel.forEach(
        (key, value) -> {
          if (!model.containsKey(key) && !REPLACED.contains(key)) {
            model.put(key, value);
          }
        });
    return model;
  }

  /**
   * The YAML to commit, from {@code spec:} down: strings double-quoted (a version like 2.0 stays a
   * string), maps as nested blocks.
   */
  public static String yaml(Map<String, Object> model) {
    var out = new StringBuilder("spec:\n  model:\n");
    block(model, "    ", out);
    return out.toString();
  }

  private static void block(Map<?, ?> map, String indent, StringBuilder out) {
    map.forEach(
        (k, v) -> {
          if (v == null) {
            return;
          }
          out.append(indent).append(k).append(':');
          if (v instanceof Map<?, ?> nested) {
            out.append('\n');
            block(nested, indent + "  ", out);
          } else if (v instanceof List<?> list) {
            out.append(' ').append(flowList(list)).append('\n');
          } else {
            out.append(' ').append(scalar(v)).append('\n');
          }
        });
  }

  private static String flowList(List<?> list) {
    return list.stream().map(Adoption::scalar).collect(Collectors.joining(", ", "[", "]"));
  }

  private static String scalar(Object v) {
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    var quoted = new StringBuilder("\"");
    for (char c : String.valueOf(v).toCharArray()) {
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        default -> quoted.append(c);
      }
    }
    return quoted.append('"').toString();
  }
}

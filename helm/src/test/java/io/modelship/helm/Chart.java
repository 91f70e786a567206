package io.modelship.helm;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The chart in helm/modelship, rendered by the real Helm engine and read back as Fabric8 objects.
 */
final class Chart {

  static final Path DIR = Path.of(System.getProperty("chart.dir", "modelship"));
  static final Path CRDS = Path.of(System.getProperty("crds.dir", "../crds"));
  static final Path ARGOCD = Path.of(System.getProperty("argocd.dir", "../argocd"));
  static final String RELEASE = "modelship";
  static final String NAMESPACE = "modelship-system";

  private Chart() {}

  static boolean update() {
    return Boolean.getBoolean("chart.update");
  }

  /** Every ci/*-values.yaml scenario file. */
  static List<Path> scenarios() {
    try (Stream<Path> files = Files.list(DIR.resolve("ci"))) {
      return files
          .filter(f -> f.getFileName().toString().endsWith("-values.yaml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code helm template modelship helm/modelship -n modelship-system [-f file] [--set k=v]...}.
   */
  static String template(Path valuesFile, Map<String, Object> set) {
    ClusterForLookup.ensureStarted();
    var command = new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE);
    if (valuesFile != null) {
      command = command.withValuesFile(valuesFile.toAbsolutePath());
    }
    for (var entry : set.entrySet()) {
      command = command.set(entry.getKey(), entry.getValue());
    }
    return command.call();
  }

  static List<HasMetadata> render(Path valuesFile) {
    return objects(template(valuesFile, Map.of()));
  }

  static List<HasMetadata> render(Map<String, Object> set) {
    return objects(template(null, set));
  }

  /**
   * Each YAML document as the typed Fabric8 model of its kind. A kind Fabric8 does not model, or a
   * field its model does not have (a typo, a wrong nesting), fails: the API server would refuse it
   * (kubectl's strict field validation) or drop it silently.
   */
  static List<HasMetadata> objects(String yaml) {
    var objects = new ArrayList<HasMetadata>();
    for (String document : yaml.split("(?m)^---\\s*$")) {
      if (document.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
        continue;
      }
      Object parsed = Serialization.unmarshal(document);
      if (!(parsed instanceof HasMetadata object) || parsed instanceof GenericKubernetesResource) {
        throw new AssertionError("not a known Kubernetes kind:\n" + document);
      }
      List<String> unknown = unknownFields(object);
      if (!unknown.isEmpty()) {
        throw new AssertionError(
            object.getKind()
                + " "
                + object.getMetadata().getName()
                + " has unknown fields "
                + unknown
                + ":\n"
                + document);
      }
      objects.add(object);
    }
    return objects;
  }

  /** Fields Fabric8 kept aside because its model has no such property, with their paths. */
  static List<String> unknownFields(Object root) {
    var found = new ArrayList<String>();
    walk(root, "", found, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
    return found;
  }

  private static void walk(Object node, String path, List<String> found, Set<Object> seen) {
    if (node == null || !seen.add(node)) {
      return;
    }
    if (node instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        walk(item, path + "[" + i++ + "]", found, seen);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "." + k, found, seen));
      return;
    }
    if (!(node instanceof KubernetesResource)) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get")
          || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(node);
      } catch (ReflectiveOperationException e) {
        continue;
      }
      String name =
          Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
      if (getter.getName().equals("getAdditionalProperties") && value instanceof Map<?, ?> extra) {
        extra.keySet().forEach(k -> found.add(path + "." + k));
      } else {
        walk(value, path + "." + name, found, seen);
      }
    }
  }

  @SuppressWarnings("unchecked")
  static <T extends HasMetadata> List<T> ofKind(List<HasMetadata> objects, Class<T> kind) {
    return objects.stream().filter(kind::isInstance).map(o -> (T) o).toList();
  }

  static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> kind) {
    List<T> found = ofKind(objects, kind);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + kind.getSimpleName() + ", found " + found.size());
    }
    return found.getFirst();
  }
}

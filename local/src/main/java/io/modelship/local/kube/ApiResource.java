package io.modelship.local.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One resource type the embedded API serves, as discovery describes it. {@code printerColumns} are
 * a CRD's additionalPrinterColumns (empty for the built-in kinds, whose columns are in {@link
 * TableConverter}); {@code schema} is a CRD version's openAPIV3Schema, null for built-in kinds.
 */
public record ApiResource(
    String group,
    String version,
    String plural,
    String singular,
    String kind,
    boolean namespaced,
    List<String> shortNames,
    List<String> categories,
    List<String> subresources,
    List<JsonNode> printerColumns,
    JsonNode schema) {

  static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  public String groupVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  static ApiResource builtin(
      String groupVersion,
      String plural,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      List<String> categories,
      String... subresources) {
    int slash = groupVersion.indexOf('/');
    String group = slash < 0 ? "" : groupVersion.substring(0, slash);
    String version = groupVersion.substring(slash + 1);
    return new ApiResource(
        group,
        version,
        plural,
        kind.toLowerCase(java.util.Locale.ROOT),
        kind,
        namespaced,
        shortNames,
        categories,
        List.of(subresources),
        List.of(),
        null);
  }
}

package io.modelship.kubectl.argocd;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * argocd/argocd-cm.yaml embeds the Lua files, so it is generated from them: this test fails when it
 * is stale, and {@code -Dargocd.update=true} rewrites it.
 */
class ArgoCdConfigMapIsCurrentTest {

  static final Path FILE =
      ArgoCdScripts.DIR.getParent().getParent().getParent().resolve("argocd-cm.yaml");
  static final String HEALTH_KEY = "resource.customizations.health.modelship.io_ModelDeployment";
  static final String ACTIONS_KEY = "resource.customizations.actions.modelship.io_ModelDeployment";

  static String script(String relative) throws IOException {
    return Files.readString(ArgoCdScripts.DIR.resolve(relative));
  }

  static String indent(String text, int spaces) {
    String pad = " ".repeat(spaces);
    return text.lines().map(l -> l.isEmpty() ? "" : pad + l).reduce("", (a, b) -> a + b + "\n");
  }

  static String generate() throws IOException {
    var out =
        new StringBuilder(
            """
        # Installs Modelship's Argo CD health check and resource actions for modelship.io/ModelDeployment.
        # Generated from resource_customizations/modelship.io/ModelDeployment/ (the kubectl-plugin build
        # fails when it is stale; ./mvnw -pl api,kubectl-plugin -am verify -Dargocd.update=true rewrites it).
        # Merge it into Argo CD's config:
        #   kubectl -n argocd patch configmap argocd-cm --type merge --patch-file argocd/argocd-cm.yaml
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: argocd-cm
          namespace: argocd
          labels:
            app.kubernetes.io/name: argocd-cm
            app.kubernetes.io/part-of: argocd
        data:
        """);
    out.append("  ").append(HEALTH_KEY).append(": |\n").append(indent(script("health.lua"), 4));
    out.append("  ").append(ACTIONS_KEY).append(": |\n");
    out.append("    discovery.lua: |\n").append(indent(script("actions/discovery.lua"), 6));
    out.append("    definitions:\n");
    for (String action : ArgoCdScripts.ACTIONS) {
      out.append("      - name: ").append(action).append('\n');
      out.append("        action.lua: |\n")
          .append(indent(script("actions/" + action + "/action.lua"), 10));
    }
    return out.toString();
  }

  @Test
  void theCommittedSnippetMatchesTheLuaFiles() throws IOException {
    String expected = generate();
    if (Boolean.getBoolean("argocd.update")) {
      Files.writeString(FILE, expected);
    }
    assertThat(Files.exists(FILE) ? Files.readString(FILE) : "")
        .as("%s is stale: run ./mvnw -pl api,kubectl-plugin -am verify -Dargocd.update=true", FILE)
        .isEqualTo(expected);
  }

  @Test
  @SuppressWarnings("unchecked")
  void argoCdReadsBackExactlyTheScripts() throws IOException {
    ConfigMap cm = Serialization.unmarshal(Files.readString(FILE), ConfigMap.class);

    assertThat(cm.getData().get(HEALTH_KEY)).isEqualTo(script("health.lua"));
    Map<String, Object> actions = Serialization.unmarshal(cm.getData().get(ACTIONS_KEY), Map.class);
    assertThat(actions.get("discovery.lua")).isEqualTo(script("actions/discovery.lua"));
    var definitions = (List<Map<String, Object>>) actions.get("definitions");
    assertThat(definitions)
        .extracting(d -> d.get("name"))
        .containsExactlyElementsOf(ArgoCdScripts.ACTIONS);
    for (Map<String, Object> d : definitions) {
      assertThat(d.get("action.lua"))
          .as(d.get("name").toString())
          .isEqualTo(script("actions/" + d.get("name") + "/action.lua"));
    }
  }
}

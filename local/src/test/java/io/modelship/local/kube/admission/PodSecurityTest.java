package io.modelship.local.kube.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Pod Security Standards' checks (kubernetes.io "Pod Security Standards", baseline and
 * restricted), one control at a time, each against a pod that passes restricted otherwise, with the
 * reason the admission controller gives.
 */
class PodSecurityTest {

  static final String GOOD =
      """
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: app
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
      volumes: [{name: data, emptyDir: {}}, {name: cfg, configMap: {name: c}}, {name: tok, projected: {sources: []}}]
      """;

  static JsonNode spec(String edit) {
    try {
      JsonNode spec = new YAMLMapper().readTree(GOOD);
      JsonNode change = new YAMLMapper().readTree(edit.isBlank() ? "{}" : edit);
      return io.modelship.api.testing.MergePatchCrudDispatcher.apply(spec, change);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '`',
      value = {
        "restricted => {} => ",
        "baseline => {} => ",
        "restricted => {hostNetwork: true, hostPID: true} => host namespaces (hostNetwork=true, hostPID=true)",
        "baseline => {hostIPC: true} => host namespaces (hostIPC=true)",
        "baseline => {containers: [{name: app, securityContext: {privileged: true}}]} => privileged (container \"app\" must not set securityContext.privileged=true)",
        "baseline => {containers: [{name: app, securityContext: {capabilities: {add: [SYS_ADMIN, CHOWN]}}}]} => non-default capabilities (container \"app\" must not include \"SYS_ADMIN\" in securityContext.capabilities.add)",
        "baseline => {volumes: [{name: h, hostPath: {path: /}}]} => hostPath volumes (volume \"h\")",
        "baseline => {containers: [{name: app, ports: [{containerPort: 80, hostPort: 8080}]}]} => hostPort (container \"app\" uses hostPort 8080)",
        "baseline => {securityContext: {seccompProfile: {type: Unconfined}}} => seccompProfile (pod must not set securityContext.seccompProfile.type to \"Unconfined\")",
        "baseline => {securityContext: {sysctls: [{name: kernel.msgmax, value: '1'}]}} => forbidden sysctls (kernel.msgmax)",
        "restricted => {containers: [{name: app, securityContext: {capabilities: {drop: [ALL]}}}]} => allowPrivilegeEscalation != false (container \"app\" must set securityContext.allowPrivilegeEscalation=false)",
        "restricted => {containers: [{name: app, securityContext: {allowPrivilegeEscalation: false}}]} => unrestricted capabilities (container \"app\" must set securityContext.capabilities.drop=[\"ALL\"])",
        "restricted => {containers: [{name: app, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL], add: [NET_ADMIN]}}}]} => unrestricted capabilities (container \"app\" must not include \"NET_ADMIN\" in securityContext.capabilities.add)",
        "restricted => {containers: [{name: app, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}}]} => ",
        "restricted => {volumes: [{name: n, nfs: {server: s, path: /}}]} => restricted volume types (volume \"n\" uses restricted volume type \"nfs\")",
        "restricted => {securityContext: {runAsNonRoot: null}} => runAsNonRoot != true (pod or container \"app\" must set securityContext.runAsNonRoot=true)",
        "restricted => {securityContext: {runAsNonRoot: false}} => runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)",
        "restricted => {securityContext: {runAsUser: 0}} => runAsUser=0 (pod must not set runAsUser=0)",
        "restricted => {securityContext: {seccompProfile: null}} => seccompProfile (pod or container \"app\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")",
        "privileged => {hostNetwork: true, containers: [{name: app, securityContext: {privileged: true}}]} => "
      })
  void checks(String level, String edit, String expected) {
    var reasons = PodSecurity.violations(spec(edit), level);
    if (expected == null) {
      assertThat(reasons).isEmpty();
    } else {
      assertThat(reasons).containsExactly(expected);
    }
  }

  @org.junit.jupiter.api.Test
  void severalContainersAreNamedTogetherInTheOrderOfTheChecks() {
    JsonNode spec = spec("{securityContext: null, containers: [{name: web}, {name: log}]}");
    assertThat(String.join(", ", PodSecurity.violations(spec, "restricted")))
        .isEqualTo(
            "allowPrivilegeEscalation != false (containers \"web\", \"log\" must set "
                + "securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (containers \"web\", \"log\" "
                + "must set securityContext.capabilities.drop=[\"ALL\"]), runAsNonRoot != true (pod or containers \"web\", "
                + "\"log\" must set securityContext.runAsNonRoot=true), seccompProfile (pod or containers \"web\", \"log\" "
                + "must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")");
  }
}

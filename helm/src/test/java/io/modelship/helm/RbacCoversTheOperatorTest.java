package io.modelship.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.api.config.dependent.DependentResourceSpec;
import io.javaoperatorsdk.operator.api.config.workflow.WorkflowSpec;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Deleter;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.dependent.BulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.event.source.informer.ManagedInformerEventSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.spec.ModelDeploymentSpec;
import io.modelship.api.v1alpha1.spec.ModelSpec;
import io.modelship.operator.ModelshipOperator;
import io.modelship.operator.dependent.RuntimeRole;
import io.modelship.operator.settings.OperatorSettings;
import io.modelship.operator.signing.SigningKeys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chart's rules are exactly what the operator uses: every kind the operator registers (its
 * primary resource, each dependent, each informer) derives the verbs JOSDK needs for it, the
 * operator's direct client calls are listed below with their code paths, and the rights it grants
 * the serving pods (RuntimeRole) come from the code too. A new dependent or informer without a rule
 * fails here, and so does a rule nobody needs.
 */
class RbacCoversTheOperatorTest {

  /**
   * What the operator does with its client outside JOSDK's dependents and informers. Keys are
   * {@code group/resource}.
   */
  static final Map<String, Set<String>> DIRECT_CALLS =
      Map.of(
          // ModelDeploymentReconciler.write: the status as a JSON merge patch.
          "modelship.io/modeldeployments/status", Set.of("patch"),
          // ReferenceKeeper.keep re-creates a deleted package reference; ReportPipeline's
          // removeUnsigned and removeUnusedReferences delete them.
          "modelship.io/modelpackagereferences", Set.of("create", "delete"),
          // ModelDeploymentReconciler.missingClaim.
          "/persistentvolumeclaims", Set.of("get"),
          // ModelDeploymentReconciler.record.
          "/events", Set.of("create"),
          // ServingRoute.read (get), apply (create, update of an owned route; JSON patch of a
          // user's).
          "gateway.networking.k8s.io/httproutes", Set.of("get", "create", "update", "patch"),
          // The signing Secrets, created once from the master key and never read (SigningSecret).
          "/secrets", Set.of("create"),
          // Retraining.start creates a run's Job and its ServiceAccount; Retraining.prune deletes
          // finished Jobs beyond the last few.
          "batch/jobs", Set.of("create", "delete"),
          "/serviceaccounts", Set.of("create"));

  private KubernetesClient client;
  private ModelshipOperator operator;

  @BeforeEach
  void registerTheOperator() {
    // Registering builds the controller, its dependents and informers; nothing connects.
    client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder()
                    .withMasterUrl("https://127.0.0.1:1")
                    .withNamespace("default")
                    .build())
            .build();
    operator =
        new ModelshipOperator(
            client,
            OperatorSettings.defaults(),
            new SigningKeys(
                "a-test-master-key-of-at-least-32-bytes".getBytes(StandardCharsets.US_ASCII)),
            new SimpleMeterRegistry(),
            Optional.empty(),
            Clock.systemUTC());
  }

  @AfterEach
  void close() {
    operator.close();
    client.close();
  }

  /** group/resource → verbs, from what the operator registers and what it grants. */
  Map<String, Set<String>> needed() throws ReflectiveOperationException {
    var needed = new TreeMap<String, Set<String>>();
    for (var registered : operator.runtimeInfo().getRegisteredControllers()) {
      var controller = (Controller<?>) registered;
      // Informers (the primary's and every secondary's) list and watch.
      for (var source : controller.getEventSourceManager().allEventSources()) {
        if (source instanceof ManagedInformerEventSource<?, ?, ?> informer) {
          add(needed, key(informer.resourceType()), "list", "watch");
        }
      }
      List<DependentResourceSpec> specs =
          controller
              .getConfiguration()
              .getWorkflowSpec()
              .map(WorkflowSpec::getDependentResourceSpecs)
              .orElse(List.of());
      for (DependentResourceSpec<?, ?, ?> spec : specs) {
        DependentResource<?, ?> dependent =
            spec.getDependentResourceClass().getDeclaredConstructor().newInstance();
        String key = key(dependent.resourceType().asSubclass(HasMetadata.class));
        if (dependent instanceof Creator<?, ?>) {
          add(needed, key, "create");
        }
        if (dependent instanceof Updater<?, ?>) {
          add(needed, key, "update");
        }
        // Deleted when a precondition stops holding, or (bulk) when a member is no longer desired.
        if (dependent instanceof Deleter<?>
            && (spec.getReconcileCondition() != null
                || dependent instanceof BulkDependentResource<?, ?, ?>)) {
          add(needed, key, "delete");
        }
      }
    }
    DIRECT_CALLS.forEach((key, verbs) -> add(needed, key, verbs.toArray(String[]::new)));
    // A Role may only grant what its creator holds (RBAC escalation prevention).
    for (PolicyRule granted : RuntimeRole.desired(sample()).getRules()) {
      for (String group : granted.getApiGroups()) {
        for (String resource : granted.getResources()) {
          add(needed, group + "/" + resource, granted.getVerbs().toArray(String[]::new));
        }
      }
    }
    return needed;
  }

  static Map<String, Set<String>> granted(List<PolicyRule> rules) {
    var granted = new TreeMap<String, Set<String>>();
    for (PolicyRule rule : rules) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          add(granted, group + "/" + resource, rule.getVerbs().toArray(String[]::new));
        }
      }
    }
    return granted;
  }

  @Test
  void theClusterRoleGrantsExactlyWhatTheOperatorUses() throws ReflectiveOperationException {
    ClusterRole role = Chart.one(Chart.render(Map.of()), ClusterRole.class);

    assertThat(granted(role.getRules())).isEqualTo(needed());
    assertThat(role.getRules()).allSatisfy(r -> assertThat(r.getResourceNames()).isNullOrEmpty());
  }

  @Test
  void eachWatchedNamespacesRoleGrantsTheSame() throws ReflectiveOperationException {
    List<HasMetadata> objects = Chart.render(Map.of("watchNamespaces[0]", "ml"));
    Role role =
        Chart.ofKind(objects, Role.class).stream()
            .filter(r -> r.getMetadata().getNamespace().equals("ml"))
            .findFirst()
            .orElseThrow();

    assertThat(granted(role.getRules())).isEqualTo(needed());
  }

  @Test
  void theLeaseRoleCoversLeaderElectionOnTheOperatorsOwnLease() {
    Role lease =
        Chart.ofKind(Chart.render(Map.of()), Role.class).stream()
            .filter(r -> r.getMetadata().getName().endsWith("-leader-election"))
            .findFirst()
            .orElseThrow();

    // JOSDK's LeaderElectionManager refuses to start without create, get and update; Fabric8's
    // LeaderElector renews by patch; LeaderLease.release updates.
    assertThat(lease.getRules())
        .anySatisfy(
            r -> {
              assertThat(r.getVerbs()).containsExactly("create");
              assertThat(r.getResourceNames()).isNullOrEmpty();
            });
    assertThat(lease.getRules())
        .anySatisfy(
            r -> {
              assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "update", "patch");
              assertThat(r.getResourceNames()).containsExactly("modelship");
            });
    assertThat(lease.getRules())
        .allSatisfy(r -> assertThat(r.getResources()).containsExactly("leases"));
  }

  static String key(Class<? extends HasMetadata> kind) {
    return HasMetadata.getGroup(kind) + "/" + HasMetadata.getPlural(kind);
  }

  static void add(Map<String, Set<String>> map, String key, String... verbs) {
    map.computeIfAbsent(key, k -> new TreeSet<>()).addAll(List.of(verbs));
  }

  static ModelDeployment sample() {
    var model = new ModelSpec();
    model.setName("iris");
    model.setVersion("1.0.0");
    model.setUri("https://models.example.com/iris/1.0.0.tar.gz");
    var spec = new ModelDeploymentSpec();
    spec.setModel(model);
    var md = new ModelDeployment();
    md.setMetadata(
        new ObjectMetaBuilder().withName("iris").withNamespace("ml").withUid("0000").build());
    md.setSpec(spec);
    return md;
  }
}

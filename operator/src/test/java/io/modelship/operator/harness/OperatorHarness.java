package io.modelship.operator.harness;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.operator.LeaderLease;
import io.modelship.operator.ModelshipOperator;
import io.modelship.operator.settings.OperatorSettings;
import io.modelship.operator.signing.SigningKeys;
import io.modelship.operator.validation.ImageRegistries;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/** Mock API server, fake Deployment controller and the operator running in-process. */
public final class OperatorHarness implements AutoCloseable {

  public final MockCluster cluster;
  public final FakeDeploymentController deployments;

  /** The master key the operator under test derives every ModelDeployment's signing keys from. */
  public static final String MASTER_KEY = "test-master-key-of-at-least-32-bytes";

  public static final SigningKeys KEYS =
      new SigningKeys(MASTER_KEY.getBytes(java.nio.charset.StandardCharsets.US_ASCII));

  public final OperatorSettings settings;
  private final Optional<LeaderLease> lease;
  private final Clock clock;
  private ModelshipOperator operator;

  public OperatorHarness(boolean createPods) {
    this(createPods, Optional.empty());
  }

  public OperatorHarness(boolean createPods, Optional<LeaderLease> lease) {
    this(createPods, lease, Clock.systemUTC());
  }

  /** With a clock the test moves, for pauses and analysis intervals. */
  public OperatorHarness(boolean createPods, Clock clock) {
    this(createPods, Optional.empty(), clock);
  }

  /** With operator settings changed from the harness's, e.g. an image allow-list. */
  public OperatorHarness(
      boolean createPods, java.util.function.UnaryOperator<OperatorSettings> settings) {
    this(createPods, Optional.empty(), Clock.systemUTC(), settings);
  }

  private OperatorHarness(boolean createPods, Optional<LeaderLease> lease, Clock clock) {
    this(createPods, lease, clock, s -> s);
  }

  private OperatorHarness(
      boolean createPods,
      Optional<LeaderLease> lease,
      Clock clock,
      java.util.function.UnaryOperator<OperatorSettings> adjust) {
    this.lease = lease;
    this.clock = clock;
    cluster = new MockCluster();
    deployments = new FakeDeploymentController(cluster.newClient(), createPods);
    settings =
        adjust.apply(
            new OperatorSettings(
                java.util.Set.of(),
                OperatorSettings.DEFAULT_IMAGE,
                "250m",
                "512Mi",
                "1Gi",
                1,
                Duration.ofSeconds(1),
                ImageRegistries.any(),
                false,
                java.util.List.of()));
    operator = start();
  }

  public ModelshipOperator start() {
    var started =
        new ModelshipOperator(
            cluster.client(), settings, KEYS, new SimpleMeterRegistry(), lease, clock);
    started.start();
    return started;
  }

  /** Stops the operator and starts a fresh one, as a pod restart would. */
  public void restart() {
    operator.close();
    operator = start();
  }

  public ModelshipOperator operator() {
    return operator;
  }

  public KubernetesClient client() {
    return cluster.client();
  }

  public Resource<ModelDeployment> md(String namespace, String name) {
    return client().resources(ModelDeployment.class).inNamespace(namespace).withName(name);
  }

  /** Changes the spec, retrying when a status write moved the resourceVersion meanwhile. */
  public void editSpec(
      String namespace,
      String name,
      java.util.function.Consumer<io.modelship.api.v1alpha1.spec.ModelDeploymentSpec> change) {
    for (int attempt = 0; ; attempt++) {
      try {
        var md = md(namespace, name).get();
        change.accept(md.getSpec());
        client().resource(md).update();
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt > 20) {
          throw e;
        }
      }
    }
  }

  /**
   * Sets an annotation the way kubectl annotate would, retrying on conflicts with status writes.
   */
  public void annotate(String namespace, String name, String key, String value) {
    for (int attempt = 0; ; attempt++) {
      try {
        var md = md(namespace, name).get();
        var annotations = new java.util.HashMap<String, String>();
        if (md.getMetadata().getAnnotations() != null) {
          annotations.putAll(md.getMetadata().getAnnotations());
        }
        annotations.put(key, value);
        md.getMetadata().setAnnotations(annotations);
        client().resource(md).update();
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt > 20) {
          throw e;
        }
      }
    }
  }

  public ModelDeployment awaitStatus(
      String namespace, String name, Predicate<ModelDeployment> condition) {
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              var md = md(namespace, name).get();
              return md != null && md.getStatus() != null && condition.test(md);
            });
    return md(namespace, name).get();
  }

  public static Predicate<ModelDeployment> condition(String type, String status, String reason) {
    return md ->
        md.getStatus() != null
            && md.getStatus().getConditions() != null
            && md.getStatus().getConditions().stream()
                .anyMatch(
                    c ->
                        type.equals(c.getType())
                            && status.equals(c.getStatus())
                            && (reason == null || reason.equals(c.getReason())));
  }

  public static Optional<Condition> conditionOf(ModelDeployment md, String type) {
    return md.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  @Override
  public void close() {
    operator.close();
    deployments.close();
    cluster.close();
  }
}

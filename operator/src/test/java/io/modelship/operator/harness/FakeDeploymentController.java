package io.modelship.operator.harness;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plays the Deployment controller and kubelet: brings every Deployment's pods up and ready, unless
 * its version is held back or its image is marked as unpullable.
 */
public final class FakeDeploymentController implements AutoCloseable {

  private final KubernetesClient client;
  private final boolean createPods;
  private final Set<String> heldVersions = ConcurrentHashMap.newKeySet();
  private final Set<String> unpullableImages = ConcurrentHashMap.newKeySet();
  private final SharedIndexInformer<Deployment> informer;

  public FakeDeploymentController(KubernetesClient client, boolean createPods) {
    this.client = client;
    this.createPods = createPods;
    informer =
        client
            .apps()
            .deployments()
            .inAnyNamespace()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Deployment d) {
                    settle(d);
                  }

                  @Override
                  public void onUpdate(Deployment old, Deployment d) {
                    settle(d);
                  }

                  @Override
                  public void onDelete(Deployment d, boolean unknown) {
                    if (createPods) {
                      client
                          .pods()
                          .inNamespace(d.getMetadata().getNamespace())
                          .withLabels(d.getSpec().getSelector().getMatchLabels())
                          .delete();
                    }
                  }
                });
  }

  public void hold(String version) {
    heldVersions.add(version);
  }

  public void release(String version) {
    heldVersions.remove(version);
    client.apps().deployments().inAnyNamespace().list().getItems().forEach(this::settle);
  }

  public void failPulling(String image) {
    unpullableImages.add(image);
  }

  private synchronized void settle(Deployment d) {
    String version = d.getMetadata().getLabels().getOrDefault("modelship.io/version", "");
    String image = d.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage();
    int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    boolean unpullable = unpullableImages.contains(image);
    int ready = heldVersions.contains(version) || unpullable ? 0 : replicas;
    long generation = d.getMetadata().getGeneration() == null ? 1 : d.getMetadata().getGeneration();
    var status =
        new DeploymentStatusBuilder()
            .withObservedGeneration(generation)
            .withReplicas(replicas)
            .withUpdatedReplicas(ready)
            .withReadyReplicas(ready)
            .withAvailableReplicas(ready)
            .build();
    if (Objects.equals(status, d.getStatus())) {
      return;
    }
    try {
      client
          .apps()
          .deployments()
          .inNamespace(d.getMetadata().getNamespace())
          .withName(d.getMetadata().getName())
          .editStatus(
              current -> {
                current.setStatus(status);
                return current;
              });
      if (createPods) {
        pods(d, replicas, unpullable, image);
      }
    } catch (KubernetesClientException e) {
      // Gone or changed meanwhile; the next event settles it.
    }
  }

  private void pods(Deployment d, int replicas, boolean unpullable, String image) {
    for (int i = 0; i < replicas; i++) {
      String name = d.getMetadata().getName() + "-pod-" + i;
      var waiting =
          unpullable
              ? new ContainerStatusBuilder()
                  .withName("serving")
                  .withImage(image)
                  .withReady(false)
                  .withNewState()
                  .withNewWaiting()
                  .withReason("ImagePullBackOff")
                  .withMessage("Back-off pulling image \"" + image + "\"")
                  .endWaiting()
                  .endState()
                  .build()
              : new ContainerStatusBuilder()
                  .withName("serving")
                  .withImage(image)
                  .withReady(true)
                  .withNewState()
                  .withNewRunning()
                  .endRunning()
                  .endState()
                  .build();
      Pod pod =
          new PodBuilder()
              .withNewMetadata()
              .withName(name)
              .withNamespace(d.getMetadata().getNamespace())
              .withLabels(d.getSpec().getTemplate().getMetadata().getLabels())
              .endMetadata()
              .withSpec(d.getSpec().getTemplate().getSpec())
              .withNewStatus()
              .withPhase(unpullable ? "Pending" : "Running")
              .withContainerStatuses(waiting)
              .endStatus()
              .build();
      // A pod keeps its UID for life, as on a real API server (reports are owned by that UID).
      Pod existing = client.pods().inNamespace(d.getMetadata().getNamespace()).withName(name).get();
      if (existing != null) {
        pod.getMetadata().setUid(existing.getMetadata().getUid());
      }
      client
          .pods()
          .inNamespace(d.getMetadata().getNamespace())
          .resource(pod)
          .createOr(r -> r.update());
    }
  }

  @Override
  public void close() {
    informer.close();
  }
}

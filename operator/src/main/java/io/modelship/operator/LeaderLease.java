package io.modelship.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader-election Lease of the operator's replicas, and how the holder lets go of it.
 *
 * <p>JOSDK 5.2.3 ends the process with {@code System.exit} when leadership stops — also when the
 * operator itself cancels the election on SIGTERM, from inside the shutdown hook, where {@code
 * System.exit} blocks forever (the JVM is already exiting): a leading operator never ended before
 * the kubelet's SIGKILL, and the next leader waited for the Lease to expire. So JOSDK is told not
 * to exit; losing the Lease while running still ends the process (two leaders must never reconcile
 * at once), from a thread of its own; and a shutdown hands the Lease back as client-go's {@code
 * ReleaseOnCancel} does (no holder, 1 s duration), once the operator has stopped reconciling, so
 * another replica takes over at its next retry instead of after the lease duration.
 */
public final class LeaderLease {

  private static final Logger log = LoggerFactory.getLogger(LeaderLease.class);

  private final String name;
  private final String namespace;
  private final String identity;
  private volatile boolean shuttingDown;

  /**
   * @param namespace the Lease's namespace; null when neither set nor known from the client's
   *     configuration, which the caller must refuse before starting
   * @param identity the holder identity this replica writes (the pod name in a cluster); unique per
   *     replica
   */
  public LeaderLease(String name, String namespace, String identity) {
    this.name = Objects.requireNonNull(name);
    this.namespace = namespace;
    this.identity = Objects.requireNonNull(identity);
  }

  public String name() {
    return name;
  }

  public String namespace() {
    return namespace;
  }

  public String identity() {
    return identity;
  }

  LeaderElectionConfiguration configuration() {
    return new LeaderElectionConfiguration(
        name,
        namespace,
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
        identity,
        new LeaderCallbacks(
            () -> log.info("Leading as {} (Lease {}/{})", identity, namespace, name),
            this::stoppedLeading,
            leader -> {}),
        false);
  }

  private void stoppedLeading() {
    if (shuttingDown) {
      return;
    }
    log.error(
        "Lost the Lease {}/{}; exiting so that no two replicas reconcile at once", namespace, name);
    // Not on the elector's thread: the shutdown hooks stop the operator, which waits for it.
    Thread.ofPlatform().name("lease-lost-exit").start(() -> System.exit(1));
  }

  /** From now on the end of leadership is the shutdown's doing, not a lost Lease. */
  void shuttingDown() {
    shuttingDown = true;
  }

  /** Hands the Lease back if this replica holds it; call only once reconciling has stopped. */
  void release(KubernetesClient client) {
    try {
      var lease = client.leases().inNamespace(namespace).withName(name).get();
      if (lease == null
          || lease.getSpec() == null
          || !identity.equals(lease.getSpec().getHolderIdentity())) {
        return;
      }
      ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
      lease.getSpec().setHolderIdentity(null);
      lease.getSpec().setLeaseDurationSeconds(1);
      lease.getSpec().setAcquireTime(now);
      lease.getSpec().setRenewTime(now);
      // An update, not a patch: it carries the resourceVersion read above, so a Lease another
      // replica took meanwhile is left alone (409).
      client.resource(lease).update();
      log.info("Released the Lease {}/{}", namespace, name);
    } catch (KubernetesClientException e) {
      log.warn(
          "Could not release the Lease {}/{}; it expires on its own: {}",
          namespace,
          name,
          e.getMessage());
    }
  }
}

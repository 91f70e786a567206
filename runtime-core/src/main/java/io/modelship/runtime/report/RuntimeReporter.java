package io.modelship.runtime.report;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.modelship.api.runtime.RuntimeEnvironment;
import io.modelship.api.v1alpha1.ModelPackageReference;
import io.modelship.api.v1alpha1.RuntimeReport;
import io.modelship.api.v1alpha1.report.ReportSignature;
import io.modelship.api.v1alpha1.report.RuntimeReportSpec;
import io.modelship.runtime.server.ServeConfig;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes this pod's own {@code RuntimeReport} (named after the pod, labelled with its
 * ModelDeployment and version, owned by its Pod so Kubernetes deletes it with the pod) every report
 * interval. A JSON merge patch of the whole spec, with absent fields as null, updates it; a create
 * makes it the first time. That needs only create/get/patch on runtimereports in its namespace, and
 * nothing on the ModelDeployment. Every report and reference object carries a signature ({@link
 * ReportSignature}) made with the ModelDeployment's report key ({@code REPORT_SIGNING_KEY}),
 * without which the operator ignores it: RBAC lets any pod of the namespace patch any report, the
 * key lets only this deployment's pods write one the operator believes. Failures are logged and
 * retried with back-off; nothing is ever thrown into the serving runtime, and no Throwable of one
 * run stops the next.
 */
public final class RuntimeReporter implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RuntimeReporter.class);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  /** Spreads the pods of one Deployment so their patches do not arrive in bursts. */
  static final double JITTER = 0.2;

  /** How long the last report at SIGTERM may take, so shutdown stays within the grace period. */
  public static final Duration FINAL_REPORT_TIMEOUT = Duration.ofSeconds(2);

  private final KubernetesClient client;
  private final Supplier<RuntimeReportSpec> supplier;
  private final String pod;
  private final String podUid;
  private final String namespace;
  private final String modelDeployment;
  private final Duration interval;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final AtomicInteger failures = new AtomicInteger();
  private volatile byte[] signingKey;
  private volatile String modelDeploymentUid;
  private volatile Supplier<Optional<RuntimeReportSpec>> reference = Optional::empty;
  private volatile boolean referenceWritten;

  public RuntimeReporter(
      KubernetesClient client,
      Supplier<RuntimeReportSpec> supplier,
      String pod,
      String podUid,
      String namespace,
      String modelDeployment,
      Duration interval,
      Clock clock) {
    this.client = Objects.requireNonNull(client);
    this.supplier = Objects.requireNonNull(supplier);
    this.pod = Objects.requireNonNull(pod);
    this.podUid = Objects.requireNonNull(podUid);
    this.namespace = Objects.requireNonNull(namespace);
    this.modelDeployment = Objects.requireNonNull(modelDeployment);
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("report interval must be positive, got " + interval);
    }
    this.interval = interval;
    this.clock = clock;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("runtime-reporter").factory());
  }

  /**
   * A reporter for the ModelDeployment this pod serves, from the settings the operator gives
   * serving pods ({@code POD_NAME}, {@code POD_UID}, {@code POD_NAMESPACE}, {@code
   * MODELDEPLOYMENT_NAME}, {@code REPORT_INTERVAL_SECONDS}, read by {@link ServeConfig}); empty
   * outside a ModelDeployment, e.g. when the runtime runs on a laptop.
   */
  public static Optional<RuntimeReporter> forDeployment(
      ServeConfig.Reporting settings,
      Supplier<KubernetesClient> client,
      Supplier<RuntimeReportSpec> supplier) {
    return forDeployment(
        settings, System.getenv(RuntimeEnvironment.REPORT_SIGNING_KEY), client, supplier);
  }

  /**
   * As above, with the report key ({@code REPORT_SIGNING_KEY}, hex) given; without one reports go
   * unsigned.
   */
  public static Optional<RuntimeReporter> forDeployment(
      ServeConfig.Reporting settings,
      String reportSigningKey,
      Supplier<KubernetesClient> client,
      Supplier<RuntimeReportSpec> supplier) {
    if (!settings.enabled()) {
      return Optional.empty();
    }
    Duration interval =
        settings.interval().isPositive() ? settings.interval() : Duration.ofSeconds(1);
    var reporter =
        new RuntimeReporter(
            client.get(),
            supplier,
            settings.podName(),
            settings.podUid(),
            settings.namespace(),
            settings.modelDeployment(),
            interval,
            Clock.systemUTC());
    Optional<byte[]> key = ReportSignature.parseKey(reportSigningKey);
    if (key.isPresent()) {
      reporter.signedWith(key.get());
    } else {
      log.warn(
          "{} is {}: reports go unsigned and the operator will ignore them",
          RuntimeEnvironment.REPORT_SIGNING_KEY,
          reportSigningKey == null || reportSigningKey.isBlank()
              ? "not set"
              : "not a hex key of at least 16 bytes");
    }
    return Optional.of(reporter);
  }

  /** Signs every report and reference object with {@code key}, the ModelDeployment's report key. */
  public RuntimeReporter signedWith(byte[] key) {
    this.signingKey = key.clone();
    return this;
  }

  /**
   * Also makes sure the package's reference object exists ({@link ModelPackageReference}): created
   * once, if absent, owned by the ModelDeployment so it goes with it. Without the ModelDeployment's
   * UID nothing is created.
   */
  public RuntimeReporter withReference(
      String modelDeploymentUid, Supplier<Optional<RuntimeReportSpec>> reference) {
    this.modelDeploymentUid = modelDeploymentUid;
    this.reference = Objects.requireNonNull(reference);
    return this;
  }

  /** Starts reporting after a random part of one interval. */
  public RuntimeReporter start() {
    schedule(Duration.ofMillis(1 + ThreadLocalRandom.current().nextLong(interval.toMillis())));
    return this;
  }

  /**
   * Sends a report as soon as the reporter's thread is free, besides the periodic ones: the pod
   * just turned ready (or failed to load), and {@code kubectl get runtimereports} should say so
   * now, not one interval later. Never throws; after {@link #close()} it does nothing.
   */
  public void reportSoon() {
    try {
      if (!scheduler.isShutdown()) {
        scheduler.execute(this::reportOnce);
      }
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed meanwhile: the final report said it all
    }
  }

  /** Sends one report now; false when it could not be written. Never throws. */
  public boolean reportOnce() {
    try {
      RuntimeReportSpec report = supplier.get();
      if (report == null) {
        return false;
      }
      if (report.getReportTime() == null) {
        report.setReportTime(clock.instant().truncatedTo(ChronoUnit.MILLIS).toString());
      }
      write(report);
      ensureReference();
      int before = failures.getAndSet(0);
      if (before > 0) {
        log.info("Reporting to {}/{} works again after {} failures", namespace, pod, before);
      }
      return true;
    } catch (Throwable e) {
      int now = failures.incrementAndGet();
      if (now == 1 || now % 10 == 0) {
        log.warn(
            "Could not write RuntimeReport {}/{} ({} failures in a row): {}",
            namespace,
            pod,
            now,
            e.toString());
      }
      return false;
    }
  }

  /**
   * The last report at shutdown, given at most {@code timeout}: a hung API server must not hold the
   * pod past its termination grace period.
   */
  public boolean finalReport(Duration timeout) {
    var done =
        CompletableFuture.supplyAsync(
            this::reportOnce, r -> Thread.ofVirtual().name("final-report").start(r));
    try {
      return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn(
          "Final report to {}/{} did not finish within {}; shutting down without it",
          namespace,
          pod,
          timeout);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      return false;
    }
  }

  private void write(RuntimeReportSpec report) {
    var reports = client.resources(RuntimeReport.class).inNamespace(namespace);
    try {
      reports.withName(pod).patch(PatchContext.of(PatchType.JSON_MERGE), body(report));
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
      reports.resource(create(report)).create();
    }
  }

  /** Creates the reference object once per process; one that exists already (409) is fine. */
  private void ensureReference() {
    if (referenceWritten || modelDeploymentUid == null) {
      return;
    }
    Optional<RuntimeReportSpec> spec = reference.get();
    if (spec.isEmpty() || spec.get().getPackageSha256() == null) {
      return;
    }
    var object = new ModelPackageReference();
    var labels = labels(spec.get());
    object.setMetadata(
        new ObjectMetaBuilder()
            .withName(ModelPackageReference.name(modelDeployment, spec.get().getPackageSha256()))
            .withNamespace(namespace)
            .withLabels(labels)
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion(
                        io.fabric8.kubernetes.api.model.HasMetadata.getApiVersion(
                            io.modelship.api.v1alpha1.ModelDeployment.class))
                    .withKind(
                        io.fabric8.kubernetes.api.model.HasMetadata.getKind(
                            io.modelship.api.v1alpha1.ModelDeployment.class))
                    .withName(modelDeployment)
                    .withUid(modelDeploymentUid)
                    .build())
            .withAnnotations(
                signature(
                    ModelPackageReference.name(modelDeployment, spec.get().getPackageSha256()),
                    spec.get()))
            .build());
    object.setSpec(spec.get());
    var references = client.resources(ModelPackageReference.class).inNamespace(namespace);
    try {
      references.resource(object).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // Every pod of this package writes the same reference, so writing ours over an existing one
      // changes nothing when it is genuine and repairs it when it is unsigned (an older runtime's)
      // or was planted by another deployment's pod, which the operator would not use.
      references
          .withName(object.getMetadata().getName())
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              body(
                  object.getMetadata().getName(),
                  spec.get(),
                  labels,
                  object.getMetadata().getOwnerReferences()));
    }
    referenceWritten = true;
  }

  /** The object this pod creates the first time: named after, labelled for and owned by the pod. */
  RuntimeReport create(RuntimeReportSpec report) {
    var object = new RuntimeReport();
    object.setMetadata(
        new ObjectMetaBuilder()
            .withName(pod)
            .withNamespace(namespace)
            .withLabels(labels(report))
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("v1")
                    .withKind("Pod")
                    .withName(pod)
                    .withUid(podUid)
                    .build())
            .withAnnotations(signature(pod, report))
            .build());
    object.setSpec(report);
    return object;
  }

  private Map<String, String> labels(RuntimeReportSpec report) {
    return report.getVersion() == null
        ? Map.of(RuntimeReport.LABEL_DEPLOYMENT, modelDeployment)
        : Map.of(
            RuntimeReport.LABEL_DEPLOYMENT,
            modelDeployment,
            RuntimeReport.LABEL_VERSION,
            report.getVersion());
  }

  /**
   * The signature annotation of the object {@code name} holding {@code spec}; empty without a key.
   */
  private Map<String, String> signature(String name, RuntimeReportSpec spec) {
    byte[] key = signingKey;
    return key == null
        ? Map.of()
        : Map.of(
            ReportSignature.ANNOTATION,
            ReportSignature.sign(key, namespace, modelDeployment, name, spec));
  }

  /** The merge patch: labels and the whole spec, with absent fields as null so stale values go. */
  String body(RuntimeReportSpec report) {
    return body(pod, report, labels(report), null);
  }

  /**
   * As above for the object {@code name}; {@code owners}, when given, replace its ownerReferences.
   */
  private String body(
      String name,
      RuntimeReportSpec report,
      Map<String, String> objectLabels,
      java.util.List<io.fabric8.kubernetes.api.model.OwnerReference> owners) {
    ObjectNode spec = client.getKubernetesSerialization().convertValue(report, ObjectNode.class);
    for (Field field : RuntimeReportSpec.class.getDeclaredFields()) {
      if (!Modifier.isStatic(field.getModifiers()) && !spec.has(field.getName())) {
        spec.putNull(field.getName());
      }
    }
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    ObjectNode metadata = patch.putObject("metadata");
    ObjectNode labels = metadata.putObject("labels");
    objectLabels.forEach(labels::put);
    String signature = signature(name, report).get(ReportSignature.ANNOTATION);
    metadata.putObject("annotations").put(ReportSignature.ANNOTATION, signature);
    if (owners != null) {
      metadata.set(
          "ownerReferences",
          client
              .getKubernetesSerialization()
              .convertValue(owners, com.fasterxml.jackson.databind.node.ArrayNode.class));
    }
    patch.set("spec", spec);
    return patch.toString();
  }

  /** Delay before the next report: the interval, or a growing back-off after failures. */
  Duration nextDelay() {
    int failed = failures.get();
    if (failed == 0) {
      return jittered(interval);
    }
    long factor = 1L << Math.min(failed, 10);
    Duration backoff = interval.multipliedBy(factor);
    return jittered(backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff);
  }

  int failures() {
    return failures.get();
  }

  private void schedule(Duration delay) {
    if (scheduler.isShutdown()) {
      return;
    }
    scheduler.schedule(this::run, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One scheduled run; whatever it throws, the next one is scheduled. */
  private void run() {
    try {
      reportOnce();
    } catch (Throwable e) {
      log.warn("Report run failed: {}", e.toString());
    } finally {
      try {
        schedule(nextDelay());
      } catch (Throwable e) {
        log.warn("Could not schedule the next report: {}", e.toString());
      }
    }
  }

  private static Duration jittered(Duration base) {
    double factor = 1 + JITTER * (ThreadLocalRandom.current().nextDouble() * 2 - 1);
    return Duration.ofMillis(Math.max(1, (long) (base.toMillis() * factor)));
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}

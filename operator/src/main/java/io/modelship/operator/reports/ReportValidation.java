package io.modelship.operator.reports;

import io.fabric8.kubernetes.client.CustomResource;
import io.modelship.api.runtime.RuntimeEnvironment;
import io.modelship.api.v1alpha1.ModelPackageReference;
import io.modelship.api.v1alpha1.RuntimeReport;
import io.modelship.api.v1alpha1.report.BinnedCounts;
import io.modelship.api.v1alpha1.report.ReportSignature;
import io.modelship.api.v1alpha1.report.RuntimeReportSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Which RuntimeReports the operator believes. Pods may create and patch any report in their
 * namespace (RBAC cannot limit {@code create} by name), so a report counts only when it is owned by
 * a live pod of this ModelDeployment, carries that pod's version in its labels and spec, is signed
 * with this ModelDeployment's report key ({@link ReportSignature}: a pod of another deployment can
 * neither forge nor alter it), has sane values, and agrees with the other pods of its version on
 * the package sha256 and the shape of its bins. Everything else is rejected with a reason naming
 * the pod; nothing here throws.
 */
public final class ReportValidation {

  /** A serving pod as the Pod informer sees it. */
  public record LivePod(String name, String uid, String version) {}

  /** A report not believed, and why. */
  public record Rejection(String pod, String reason) {}

  /** Believed reports by pod name, and the rejected ones. */
  public record Result(Map<String, RuntimeReportSpec> accepted, List<Rejection> rejected) {}

  /** Package reference objects signed by a pod of this ModelDeployment, and the others. */
  public record References(List<ModelPackageReference> accepted, List<Rejection> rejected) {}

  private ReportValidation() {}

  /**
   * The reference objects a pod of this ModelDeployment signed (as its reports, under the object's
   * own name): another deployment's pod could otherwise plant bins for a package before ours does.
   */
  public static References signedReferences(
      String deployment, byte[] reportKey, Collection<ModelPackageReference> references) {
    var accepted = new ArrayList<ModelPackageReference>();
    var rejected = new ArrayList<Rejection>();
    for (ModelPackageReference reference : references) {
      signature(deployment, reportKey, reference)
          .ifPresentOrElse(
              reason -> rejected.add(new Rejection(reference.getMetadata().getName(), reason)),
              () -> accepted.add(reference));
    }
    return new References(List.copyOf(accepted), List.copyOf(rejected));
  }

  /**
   * @param reportKey the ModelDeployment's report key, with which its pods sign
   */
  public static Result validate(
      String deployment,
      byte[] reportKey,
      Collection<RuntimeReport> reports,
      Collection<LivePod> pods) {
    Map<String, LivePod> byUid =
        pods.stream()
            .filter(p -> p.uid() != null)
            .collect(Collectors.toMap(LivePod::uid, Function.identity(), (a, b) -> a));
    var rejected = new ArrayList<Rejection>();
    var candidates = new TreeMap<String, RuntimeReportSpec>();
    for (RuntimeReport report : reports) {
      String name = report.getMetadata().getName();
      Optional<String> problem =
          ownership(deployment, report, byUid)
              .or(() -> signature(deployment, reportKey, report))
              .or(() -> values(report.getSpec()));
      if (problem.isPresent()) {
        rejected.add(new Rejection(name, problem.get()));
      } else {
        candidates.put(name, report.getSpec());
      }
    }
    Map<String, List<String>> byVersion =
        candidates.entrySet().stream()
            .collect(
                Collectors.groupingBy(
                    e -> e.getValue().getVersion(),
                    TreeMap::new,
                    Collectors.mapping(Map.Entry::getKey, Collectors.toList())));
    byVersion.forEach(
        (version, names) -> {
          disagreeing(names, candidates, RuntimeReportSpec::getPackageSha256)
              .forEach(
                  (pod, value) -> {
                    candidates.remove(pod);
                    rejected.add(
                        new Rejection(
                            pod,
                            "package sha256 "
                                + value.orElse("(none)")
                                + " differs from the other pods of version "
                                + version));
                  });
          var remaining = names.stream().filter(candidates::containsKey).toList();
          disagreeing(remaining, candidates, ReportValidation::shape)
              .forEach(
                  (pod, value) -> {
                    candidates.remove(pod);
                    rejected.add(
                        new Rejection(
                            pod,
                            "drift bins do not line up with the other pods of version " + version));
                  });
        });
    rejected.sort(Comparator.comparing(Rejection::pod));
    return new Result(candidates, List.copyOf(rejected));
  }

  private static Optional<String> ownership(
      String deployment, RuntimeReport report, Map<String, LivePod> byUid) {
    var metadata = report.getMetadata();
    var owners =
        Objects.requireNonNullElse(
            metadata.getOwnerReferences(),
            List.<io.fabric8.kubernetes.api.model.OwnerReference>of());
    Optional<LivePod> pod =
        owners.stream()
            .filter(o -> "Pod".equals(o.getKind()))
            .map(o -> byUid.get(o.getUid()))
            .filter(Objects::nonNull)
            .findFirst();
    if (pod.isEmpty()) {
      return Optional.of("not owned by a live serving pod of " + deployment);
    }
    if (!pod.get().name().equals(metadata.getName())) {
      return Optional.of("named " + metadata.getName() + " but owned by pod " + pod.get().name());
    }
    var labels = Objects.requireNonNullElse(metadata.getLabels(), Map.<String, String>of());
    if (!deployment.equals(labels.get(RuntimeReport.LABEL_DEPLOYMENT))) {
      return Optional.of("label " + RuntimeReport.LABEL_DEPLOYMENT + " is not " + deployment);
    }
    String version = pod.get().version();
    if (version == null || !version.equals(labels.get(RuntimeReport.LABEL_VERSION))) {
      return Optional.of(
          "label " + RuntimeReport.LABEL_VERSION + " is not the pod's version " + version);
    }
    if (report.getSpec() == null || !version.equals(report.getSpec().getVersion())) {
      return Optional.of(
          "reports version "
              + (report.getSpec() == null ? null : report.getSpec().getVersion())
              + " but the pod serves "
              + version);
    }
    return Optional.empty();
  }

  /** Whether the report carries this ModelDeployment's signature over exactly what it says. */
  static Optional<String> signature(
      String deployment, byte[] reportKey, CustomResource<RuntimeReportSpec, ?> report) {
    var annotations =
        Objects.requireNonNullElse(report.getMetadata().getAnnotations(), Map.<String, String>of());
    String signature = annotations.get(ReportSignature.ANNOTATION);
    if (signature == null) {
      return Optional.of(
          "not signed (no annotation "
              + ReportSignature.ANNOTATION
              + "); a runtime that signs its"
              + " reports reads the key from "
              + RuntimeEnvironment.REPORT_SIGNING_KEY);
    }
    boolean valid =
        ReportSignature.verify(
            reportKey,
            signature,
            report.getMetadata().getNamespace(),
            deployment,
            report.getMetadata().getName(),
            report.getSpec());
    return valid
        ? Optional.empty()
        : Optional.of(
            "signature does not match: not written by a pod of "
                + deployment
                + ", or altered since");
  }

  /**
   * Sane values: no negative or overflowing counts, parts within wholes, bins that fit their edges.
   */
  static Optional<String> values(RuntimeReportSpec spec) {
    long requests = orZero(spec.getRequestCount());
    long errors = orZero(spec.getErrorCount());
    long labelled = orZero(spec.getAccuracyLabelled());
    long correct = orZero(spec.getAccuracyCorrect());
    if (requests < 0 || errors < 0 || labelled < 0 || correct < 0) {
      return Optional.of("negative count");
    }
    if (errors > requests) {
      return Optional.of("errorCount " + errors + " exceeds requestCount " + requests);
    }
    if (correct > labelled) {
      return Optional.of("accuracyCorrect " + correct + " exceeds accuracyLabelled " + labelled);
    }
    long feedback = orZero(spec.getFeedbackCount());
    long feedbackCorrect = orZero(spec.getFeedbackCorrect());
    if (feedback < 0 || feedbackCorrect < 0) {
      return Optional.of("negative count");
    }
    if (feedbackCorrect > feedback) {
      return Optional.of(
          "feedbackCorrect " + feedbackCorrect + " exceeds feedbackCount " + feedback);
    }
    var latencyCounts = Objects.requireNonNullElse(spec.getLatencyCounts(), List.<Long>of());
    if (latencyCounts.size() > io.modelship.api.v1alpha1.report.LatencyBuckets.COUNT) {
      return Optional.of(
          "latencyCounts has "
              + latencyCounts.size()
              + " buckets, at most "
              + io.modelship.api.v1alpha1.report.LatencyBuckets.COUNT
              + " are defined");
    }
    if (latencyCounts.stream().anyMatch(c -> c == null || c < 0)) {
      return Optional.of("latencyCounts holds a negative or missing count");
    }
    if (orZero(spec.getErrorFeedbackCount()) < 0) {
      return Optional.of("negative count");
    }
    for (Double sum :
        new Double[] {
          spec.getAbsoluteErrorSum(),
          spec.getSquaredErrorSum(),
          spec.getErrorBaselineMae(),
          spec.getErrorBaselineRmse()
        }) {
      if (sum != null && (!Double.isFinite(sum) || sum < 0)) {
        return Optional.of("regression error " + sum + " is not a finite non-negative number");
      }
    }
    for (Double latency : new Double[] {spec.getLatencyP50Ms(), spec.getLatencyP99Ms()}) {
      if (latency != null && (!Double.isFinite(latency) || latency < 0)) {
        return Optional.of("latency " + latency + " is not a finite non-negative number");
      }
    }
    Double baseline = spec.getAccuracyBaseline();
    if (baseline != null && !(baseline >= 0 && baseline <= 1)) {
      return Optional.of("accuracyBaseline " + baseline + " is not within 0..1");
    }
    var bins =
        new TreeMap<String, BinnedCounts>(Objects.requireNonNullElse(spec.getFeatures(), Map.of()));
    if (spec.getPrediction() != null) {
      bins.put("prediction", spec.getPrediction());
    }
    for (var entry : bins.entrySet()) {
      Optional<String> problem = bins(entry.getKey(), entry.getValue());
      if (problem.isPresent()) {
        return problem;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> bins(String name, BinnedCounts bins) {
    if (bins == null || bins.getCounts() == null || bins.getCounts().isEmpty()) {
      return Optional.of(name + " has no counts");
    }
    int n = bins.getCounts().size();
    List<Double> edges = bins.getEdges();
    if (edges != null && !edges.isEmpty()) {
      if (edges.size() + 1 != n) {
        return Optional.of(name + " has " + n + " counts for " + (edges.size() + 1) + " bins");
      }
      for (int i = 0; i < edges.size(); i++) {
        Double edge = edges.get(i);
        if (edge == null || !Double.isFinite(edge) || (i > 0 && !(edges.get(i - 1) < edge))) {
          return Optional.of(name + " has edges that are not finite and increasing");
        }
      }
    } else if (bins.getLabels() != null
        && !bins.getLabels().isEmpty()
        && bins.getLabels().size() != n) {
      return Optional.of(
          name + " has " + n + " counts for " + bins.getLabels().size() + " categories");
    }
    if (bins.getReference() != null
        && !bins.getReference().isEmpty()
        && bins.getReference().size() != n) {
      return Optional.of(
          name + " has " + n + " counts for " + bins.getReference().size() + " reference bins");
    }
    long total = 0;
    for (Long count : bins.getCounts()) {
      if (count == null || count < 0) {
        return Optional.of(name + " has a negative or missing count");
      }
      try {
        total = Math.addExact(total, count);
      } catch (ArithmeticException e) {
        return Optional.of(name + " counts overflow");
      }
    }
    return Optional.empty();
  }

  /** Feature names with their bin counts: what must be the same for histograms to merge. */
  static String shape(RuntimeReportSpec spec) {
    var shape = new TreeMap<String, Integer>();
    Objects.requireNonNullElse(spec.getFeatures(), Map.<String, BinnedCounts>of())
        .forEach((name, b) -> shape.put(name, b.getCounts().size()));
    if (spec.getPrediction() != null) {
      shape.put("\0prediction", spec.getPrediction().getCounts().size());
    }
    return shape.toString();
  }

  /**
   * The pods whose value differs from the one most pods of the version report (ties go to the value
   * of the first pod by name), with their value.
   */
  private static Map<String, Optional<String>> disagreeing(
      List<String> pods,
      Map<String, RuntimeReportSpec> reports,
      Function<RuntimeReportSpec, String> value) {
    var counts = new HashMap<Optional<String>, Integer>();
    var first = new HashMap<Optional<String>, Integer>();
    for (int i = 0; i < pods.size(); i++) {
      var v = Optional.ofNullable(value.apply(reports.get(pods.get(i))));
      counts.merge(v, 1, Integer::sum);
      first.putIfAbsent(v, i);
    }
    Optional<Optional<String>> majority =
        counts.keySet().stream()
            .max(
                Comparator.<Optional<String>>comparingInt(counts::get)
                    .thenComparing(v -> -first.get(v)));
    var result = new TreeMap<String, Optional<String>>();
    for (String pod : pods) {
      var v = Optional.ofNullable(value.apply(reports.get(pod)));
      if (!v.equals(majority.orElseThrow())) {
        result.put(pod, v);
      }
    }
    return result;
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }
}

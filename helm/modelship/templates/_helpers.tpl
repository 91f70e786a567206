{{/* The chart's name, or nameOverride. */}}
{{- define "modelship.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The full name of every resource: fullnameOverride, or <release>-<name> unless the release already says it. */}}
{{- define "modelship.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := include "modelship.name" . }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels that select the operator's pods; never changed by an upgrade. */}}
{{- define "modelship.selectorLabels" -}}
app.kubernetes.io/name: {{ include "modelship.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{/* Labels on every object the chart renders (CRDs excepted: they stay as crds/ has them). */}}
{{- define "modelship.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "modelship.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: modelship
{{- end }}

{{- define "modelship.serviceAccountName" -}}
{{- default (include "modelship.fullname" .) .Values.serviceAccount.name }}
{{- end }}

{{/* The Secret holding the signing master key: the user's, or the one the chart generates. */}}
{{- define "modelship.signingKeySecret" -}}
{{- default (printf "%s-signing-key" (include "modelship.fullname" .)) .Values.signingKey.existingSecret }}
{{- end }}

{{/*
An image reference from {registry, repository, tag, digest}: the digest wins over the tag, and an
empty tag is the chart's appVersion. Call with (dict "image" .Values.image "context" $).
*/}}
{{- define "modelship.image" -}}
{{- $image := .image }}
{{- $name := printf "%s/%s" $image.registry $image.repository }}
{{- if $image.digest }}
{{- printf "%s@%s" $name $image.digest }}
{{- else }}
{{- printf "%s:%s" $name (default .context.Chart.AppVersion $image.tag) }}
{{- end }}
{{- end }}

{{/*
The restricted Pod Security profile for a container: nothing here is a value, so no values file
can make the operator's pod fail restricted admission.
*/}}
{{- define "modelship.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/*
The rules the operator needs in every namespace it reconciles. One list serves both modes: a
ClusterRole (watchNamespaces empty) or a Role per watched namespace. Each rule names the code
that needs it; RbacCoversTheOperatorTest checks every kind the operator registers is here.
*/}}
{{- define "modelship.namespacedRules" -}}
# ModelDeploymentReconciler: the primary resource's informer (JOSDK ControllerEventSource).
- apiGroups: ["modelship.io"]
  resources: ["modeldeployments"]
  verbs: ["list", "watch"]
# ModelDeploymentReconciler.write: the status, as a JSON merge patch of what changed.
- apiGroups: ["modelship.io"]
  resources: ["modeldeployments/status"]
  verbs: ["patch"]
# list/watch: the "runtime-reports" informer (ModelDeploymentReconciler.prepareEventSources);
# create/get/patch: RuntimeRole grants the serving pods these, and a Role may only grant what its
# creator holds (escalation prevention), so the operator holds them too.
- apiGroups: ["modelship.io"]
  resources: ["runtimereports"]
  verbs: ["get", "list", "watch", "create", "patch"]
# list/watch: the "package-references" informer (ModelDeploymentReconciler.prepareEventSources);
# create: ReferenceKeeper puts back a deleted package reference; delete: ReportPipeline removes
# unsigned and unused references; get/patch (and create): RuntimeRole grants the serving pods
# create/get/patch, so the operator holds them too.
- apiGroups: ["modelship.io"]
  resources: ["modelpackagereferences"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
# ServingDeployments: informer, create, update; delete for versions the rollout no longer keeps (bulk).
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["list", "watch", "create", "update", "delete"]
# ServingService, PreviewService, VersionServices: one informer, create, update; delete when blue-green
# or Gateway API routing ends (reconcile preconditions) and for versions gone (bulk).
- apiGroups: [""]
  resources: ["services"]
  verbs: ["list", "watch", "create", "update", "delete"]
# ServingAutoscaler: informer, create, update; delete when spec.autoscaling is removed (precondition).
- apiGroups: ["autoscaling"]
  resources: ["horizontalpodautoscalers"]
  verbs: ["list", "watch", "create", "update", "delete"]
# ServingDisruptionBudget: informer, create, update.
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["list", "watch", "create", "update"]
# RuntimeServiceAccount: the serving pods' identity; informer, create, update. create also for
# Retraining.start: the retraining Jobs' own ServiceAccount (<name>-retrain, no Role, no token).
- apiGroups: [""]
  resources: ["serviceaccounts"]
  verbs: ["list", "watch", "create", "update"]
# RuntimeRole, RuntimeRoleBinding: the serving pods' rights (runtimereports and
# modelpackagereferences only); informer, create, update. No bind or escalate: the operator holds
# every right RuntimeRole grants (see runtimereports, modelpackagereferences).
- apiGroups: ["rbac.authorization.k8s.io"]
  resources: ["roles", "rolebindings"]
  verbs: ["list", "watch", "create", "update"]
# The "pods" informer (ModelDeploymentReconciler.prepareEventSources): readiness, crash loops, report
# owners, and the retraining Jobs' pods, whose terminated state holds a run's result (Retraining).
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list", "watch"]
# Retraining: the "retraining-jobs" informer (a Job's completion wakes its ModelDeployment), create
# for a run that starts (Retraining.start), delete for finished Jobs beyond the last three
# (Retraining.prune). No update or patch: a Job is never changed once created.
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["list", "watch", "create", "delete"]
# ModelDeploymentReconciler.missingClaim: does the claim a pvc:// URI names exist.
- apiGroups: [""]
  resources: ["persistentvolumeclaims"]
  verbs: ["get"]
# ModelDeploymentReconciler.record: rollout, drift and ignored-report Events.
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
# ServingRoute.read/apply: the Gateway API route of a canary; created (and then updated) when the
# operator owns it, JSON-patched (backendRefs and filters only) when the user does.
- apiGroups: ["gateway.networking.k8s.io"]
  resources: ["httproutes"]
  verbs: ["get", "create", "update", "patch"]
# The serving pods' signing keys: each ModelDeployment's Secret is created once from the master key
# and never read back, so no get, list or watch on any Secret.
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["create"]
{{- end }}

{{/*
Leader election, in the release namespace: Fabric8's LeaderElector (under JOSDK's
LeaderElectionManager) reads the Lease (get), creates it when absent, renews it (a JSON merge
patch); LeaderLease.release hands it back (update), and JOSDK refuses to start without create,
get and update. get/patch/update only on the operator's own Lease; create cannot be limited by
name (the authorizer does not know the name of an object being created).
*/}}
{{- define "modelship.leaseRules" -}}
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  verbs: ["create"]
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  resourceNames: [{{ include "modelship.fullname" . | quote }}]
  verbs: ["get", "update", "patch"]
{{- end }}

{{/* Route names of prediction traffic on the runtime's modelship_requests_total (ServingApp, InferenceGrpcService); the dashboards use the same regex. */}}
{{- define "modelship.trafficEndpoints" -}}
predict|predict_batch|v1_predict|v2_infer|grpc_model_infer
{{- end }}

{{/* The job label of the operator's scrape: the ServiceMonitor's Service, unless the values name another. */}}
{{- define "modelship.operatorJob" -}}
{{- default (printf "%s-metrics" (include "modelship.fullname" .)) .Values.prometheus.rules.operatorJob }}
{{- end }}

{{/*
Fails the render when two ways of scraping would collect the same pods twice: the operator's pod
annotated for annotation-based discovery and selected by the ServiceMonitor.
*/}}
{{- define "modelship.scrapeOnce" -}}
{{- $annotated := or .Values.monitoring.scrapeAnnotations (eq (toString (index .Values.podAnnotations "prometheus.io/scrape")) "true") }}
{{- if and .Values.monitoring.serviceMonitor.enabled $annotated }}
{{- fail "monitoring.serviceMonitor.enabled and prometheus.io/scrape annotations on the operator's pod (monitoring.scrapeAnnotations or podAnnotations) would scrape the operator twice and double every counter in sums: choose one" }}
{{- end }}
{{- end }}

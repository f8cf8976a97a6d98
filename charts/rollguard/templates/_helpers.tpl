{{/* The chart name, shortened to fit a DNS label. */}}
{{- define "rollguard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The prefix of resource names: the release name, plus the chart name unless it already contains it. */}}
{{- define "rollguard.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "rollguard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "rollguard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "rollguard.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "rollguard.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: rollguard
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "rollguard.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "rollguard.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "rollguard.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* "true" when the operator runs with leader election: forced on, or more than one replica. */}}
{{- define "rollguard.leaderElection" -}}
{{- if or .Values.leaderElection.enabled (gt (int .Values.replicaCount) 1) }}true{{ end }}
{{- end }}

{{- define "rollguard.leaseName" -}}
{{- default (printf "%s-leader" (include "rollguard.fullname" .)) .Values.leaderElection.leaseName }}
{{- end }}

{{- define "rollguard.metricsServiceName" -}}
{{- printf "%s-metrics" (include "rollguard.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The operator's rules on namespaced resources, the same in the ClusterRole (all namespaces)
and in each Role (watchNamespaces). Exactly what the operator does, nothing more; against a
real API server, taking away any write verb here, or get on deployments or controllerrevisions,
breaks a guarded deploy or its rollback:
- Rollouts: list and watch (get: re-reading one after a write conflict, no more than list
  reveals); patch to remove handled request annotations and to add and remove its finalizer;
  replace the status, and patch it to report a reconcile that failed (Ready=False).
- Deployments: get, list and watch; patch the pod template on rollback (JSON patch) and the
  hold annotation and spec.paused (merge patch). Never create, update or delete.
- ControllerRevisions: create (the saved stable template) and get it back on rollback.
- ReplicaSets: list (and get) only while adopting a Deployment caught mid-rollout, to find the
  revision that served before it.
- Events: create.
No rollouts/finalizers: the ControllerRevisions it owns do not block their owner's deletion.
*/}}
{{- define "rollguard.namespacedRules" -}}
- apiGroups: ["rollguard.dev"]
  resources: ["rollouts"]
  verbs: ["get", "list", "watch", "patch"]
- apiGroups: ["rollguard.dev"]
  resources: ["rollouts/status"]
  verbs: ["update", "patch"]
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "patch"]
- apiGroups: ["apps"]
  resources: ["controllerrevisions"]
  verbs: ["create", "get"]
- apiGroups: ["apps"]
  resources: ["replicasets"]
  verbs: ["get", "list"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
{{- end }}

{{/*
The ConfigMap holding the notification targets (notifications.targets).
*/}}
{{- define "rollguard.notificationsConfigMap" -}}
{{- printf "%s-notifications" (include "rollguard.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

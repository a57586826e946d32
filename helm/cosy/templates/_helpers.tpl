{{/* Names ------------------------------------------------------------------------------------ */}}

{{- define "cosy.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "cosy.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* A component's resource name: <fullname>-<component> */}}
{{- define "cosy.component" -}}
{{- printf "%s-%s" (include "cosy.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "cosy.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "cosy.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "cosy.secretName" -}}
{{- default (include "cosy.fullname" .) .Values.secrets.existingSecret -}}
{{- end -}}

{{/* Labels: app.kubernetes.io/* on everything; selectors use name, instance and component --- */}}

{{- define "cosy.selectorLabels" -}}
app.kubernetes.io/name: {{ include "cosy.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "cosy.labels" -}}
{{ include "cosy.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: cosy
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Labels of a release-wide object (no component) */}}
{{- define "cosy.releaseLabels" -}}
app.kubernetes.io/name: {{ include "cosy.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: cosy
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* The image: repository:tag, or repository@digest when a digest pins it ------------------- */}}
{{- define "cosy.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* Restricted Pod Security: the pod and each container -------------------------------------- */}}
{{- define "cosy.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
fsGroup: {{ .Values.securityContext.runAsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "cosy.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Scheduling knobs shared by every workload of a component --------------------------------- */}}
{{- define "cosy.scheduling" -}}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .spread }}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: {{ .root.Values.topologySpreadKey }}
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "cosy.selectorLabels" (dict "root" .root "component" .component) | nindent 8 }}
{{- end }}
{{- end -}}

{{/* The Dask scheduler's address as COSY's processes see it ---------------------------------- */}}
{{- define "cosy.schedulerAddress" -}}
{{- if .Values.dask.operator.enabled -}}
{{- printf "tcp://%s-scheduler:%d" (include "cosy.component" (dict "root" . "component" "dask")) (int .Values.dask.scheduler.port) -}}
{{- else -}}
{{- printf "tcp://%s:%d" (include "cosy.component" (dict "root" . "component" "scheduler")) (int .Values.dask.scheduler.port) -}}
{{- end -}}
{{- end -}}

{{/* Environment of COSY's own processes (api, dispatcher, batch): settings and secrets -------- */}}
{{- define "cosy.env" -}}
- name: COSY_STORE
  valueFrom:
    secretKeyRef:
      name: {{ include "cosy.secretName" . }}
      key: {{ .Values.secrets.mongodbUriKey }}
- name: COSY_DASK_SCHEDULER
  value: {{ include "cosy.schedulerAddress" . | quote }}
{{- if .Values.demo.enabled }}
- name: COSY_DEMO_TENANT
  value: {{ .Values.demo.tenant | quote }}
- name: COSY_DEMO_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "cosy.secretName" . }}
      key: {{ .Values.secrets.demoKeyKey }}
{{- end }}
{{- include "cosy.commonEnv" . }}
{{- end -}}

{{/* Environment of every COSY container, workers included (no store, no secrets) ------------- */}}
{{- define "cosy.commonEnv" }}
- name: HOME
  value: /tmp
- name: DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED
  value: "False"
- name: DASK_TEMPORARY_DIRECTORY
  value: /tmp/dask
{{- range $name, $value := .Values.config }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/* Writable scratch space for a read-only root filesystem ----------------------------------- */}}
{{- define "cosy.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ . }}
{{- end -}}

{{- define "cosy.tmpMount" -}}
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/* The Dask scheduler's container (a Deployment's, or a DaskCluster's) ------------------------ */}}
{{- define "cosy.schedulerContainer" -}}
{{- $v := .Values.dask.scheduler -}}
name: scheduler
image: {{ include "cosy.image" . }}
imagePullPolicy: {{ .Values.image.pullPolicy }}
args: ["scheduler", "--port", "{{ $v.port }}", "--dashboard-address", ":{{ $v.httpPort }}"]
env:
  - name: HOME
    value: /tmp
  - name: DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES
    value: {{ $v.allowedFailures | quote }}
ports:
  - name: tcp-comm
    containerPort: {{ $v.port }}
    protocol: TCP
  - name: http-dashboard
    containerPort: {{ $v.httpPort }}
    protocol: TCP
startupProbe:
  httpGet: {path: /health, port: http-dashboard}
  periodSeconds: 2
  failureThreshold: 60
livenessProbe:
  httpGet: {path: /health, port: http-dashboard}
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet: {path: /health, port: http-dashboard}
  periodSeconds: 5
  timeoutSeconds: 3
resources:
  {{- toYaml $v.resources | nindent 2 }}
securityContext:
  {{- include "cosy.containerSecurityContext" . | nindent 2 }}
volumeMounts:
  {{- include "cosy.tmpMount" . | nindent 2 }}
{{- end -}}

{{/* A Dask worker's container: the entrypoint checks the models' sha256, then runs the stock
     `dask worker` with COSY's preload, one process per pod (no nanny: Kubernetes restarts it) */}}
{{- define "cosy.workerContainer" -}}
{{- $v := .Values.dask.worker -}}
name: worker
image: {{ include "cosy.image" . }}
imagePullPolicy: {{ .Values.image.pullPolicy }}
args:
  - worker
  - {{ include "cosy.schedulerAddress" . | quote }}
  - --nthreads
  - {{ $v.nthreads | quote }}
  - --memory-limit
  - {{ $v.resources.limits.memory | quote }}
  - --worker-port
  - {{ $v.port | quote }}
  - --dashboard-address
  - {{ printf ":%d" (int $v.httpPort) | quote }}
  - --local-directory
  - /tmp/dask
  - --name
  - $(POD_NAME)
env:
  - name: POD_NAME
    valueFrom:
      fieldRef:
        fieldPath: metadata.name
  {{- include "cosy.commonEnv" . | nindent 2 }}
ports:
  - name: tcp-worker
    containerPort: {{ $v.port }}
    protocol: TCP
  - name: http-metrics
    containerPort: {{ $v.httpPort }}
    protocol: TCP
# spaCy and the ONNX models load before the worker joins: give it up to 5 minutes
startupProbe:
  httpGet: {path: /health, port: http-metrics}
  periodSeconds: 5
  failureThreshold: 60
livenessProbe:
  httpGet: {path: /health, port: http-metrics}
  periodSeconds: 15
  timeoutSeconds: 5
  failureThreshold: 4
readinessProbe:
  httpGet: {path: /health, port: http-metrics}
  periodSeconds: 10
  timeoutSeconds: 5
resources:
  {{- toYaml $v.resources | nindent 2 }}
securityContext:
  {{- include "cosy.containerSecurityContext" . | nindent 2 }}
volumeMounts:
  {{- include "cosy.tmpMount" . | nindent 2 }}
{{- end -}}

{{/* KEDA's query: the documents queued or running (gauges from the store: the same in every
     replica, hence max) */}}
{{- define "cosy.kedaQuery" -}}
{{- $sel := include "cosy.promSelector" . -}}
max(cosy_jobs{ {{- $sel }},status="queued"}) + max(cosy_jobs{ {{- $sel }},status="running"})
{{- end -}}

{{/* A worker leaving drops the tasks it runs (they run again elsewhere): scale down slowly */}}
{{- define "cosy.workerScaleDown" -}}
scaleDown:
  stabilizationWindowSeconds: 600
  policies:
    - type: Pods
      value: 1
      periodSeconds: 120
{{- end -}}

{{/* The batch pod: `cosy batch SRC... --tenant T --out DIR/<job name>` on a PVC (docs/sap.md).
     Its exit codes: 0 all done, 1 some refused or failed (the report says which; not retried),
     130 interrupted (SIGTERM: run again to continue). */}}
{{- define "cosy.batchPod" -}}
{{- $v := .Values.batch -}}
metadata:
  labels:
    {{- include "cosy.labels" (dict "root" . "component" "batch") | nindent 4 }}
spec:
  serviceAccountName: {{ include "cosy.serviceAccountName" . }}
  automountServiceAccountToken: false
  restartPolicy: Never
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  terminationGracePeriodSeconds: 120
  securityContext:
    {{- include "cosy.podSecurityContext" . | nindent 4 }}
  containers:
    - name: batch
      image: {{ include "cosy.image" . }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      args:
        - batch
        {{- range $v.sources }}
        - {{ . | quote }}
        {{- end }}
        - --tenant
        - {{ $v.tenant | quote }}
        - --out
        - {{ printf "%s/$(JOB_NAME)" $v.out | quote }}
        {{- range $v.extraArgs }}
        - {{ . | quote }}
        {{- end }}
      env:
        - name: JOB_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.labels['job-name']
        {{- include "cosy.env" . | nindent 8 }}
      resources:
        {{- toYaml $v.resources | nindent 8 }}
      securityContext:
        {{- include "cosy.containerSecurityContext" . | nindent 8 }}
      volumeMounts:
        {{- include "cosy.tmpMount" . | nindent 8 }}
        - name: data
          mountPath: /data
  volumes:
    {{- include "cosy.tmpVolume" "1Gi" | nindent 4 }}
    - name: data
      persistentVolumeClaim:
        claimName: {{ required "batch.claimName (the PVC with the sources, mounted at /data) is required with batch.enabled" $v.claimName }}
{{- end -}}

{{/* NetworkPolicy pieces ------------------------------------------------------------------- */}}

{{/* The pods of a component: ours by app.kubernetes.io labels; with the Dask operator its
     scheduler and worker pods by dask.org labels */}}
{{- define "cosy.podSelector" -}}
{{- if and .root.Values.dask.operator.enabled (has .component (list "scheduler" "worker")) -}}
matchLabels:
  dask.org/cluster-name: {{ include "cosy.component" (dict "root" .root "component" "dask") }}
  dask.org/component: {{ .component }}
{{- else -}}
matchLabels:
  {{- include "cosy.selectorLabels" . | nindent 2 }}
{{- end -}}
{{- end -}}

{{/* Egress to DNS */}}
{{- define "cosy.np.dns" -}}
- to:
    - namespaceSelector:
        {{- toYaml .Values.networkPolicy.dnsNamespaceSelector | nindent 8 }}
  ports:
    - {protocol: UDP, port: 53}
    - {protocol: TCP, port: 53}
{{- end -}}

{{/* Egress to MongoDB: the bundled pods, or the external replica set */}}
{{- define "cosy.np.mongodb" -}}
{{- if .Values.mongodb.bundled.enabled }}
- to:
    - podSelector:
        {{- include "cosy.podSelector" (dict "root" . "component" "mongodb") | nindent 8 }}
  ports:
    - {protocol: TCP, port: 27017}
{{- else }}
- {{- with .Values.networkPolicy.externalMongodb.to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  ports:
    {{- range .Values.networkPolicy.externalMongodb.ports }}
    - {protocol: TCP, port: {{ . }}}
    {{- end }}
{{- end }}
{{- end -}}

{{/* Egress to the Dask scheduler's comm port */}}
{{- define "cosy.np.scheduler" -}}
- to:
    - podSelector:
        {{- include "cosy.podSelector" (dict "root" . "component" "scheduler") | nindent 8 }}
  ports:
    - {protocol: TCP, port: {{ .Values.dask.scheduler.port }}}
{{- end -}}

{{/* Ingress from Prometheus to a metrics port */}}
{{- define "cosy.np.prometheus" -}}
- from:
    - namespaceSelector:
        {{- toYaml .root.Values.networkPolicy.prometheusNamespaceSelector | nindent 8 }}
  ports:
    - {protocol: TCP, port: {{ .port }}}
{{- end -}}

{{/* Prometheus: every scrape of this release carries cosy_release (relabelled), so queries
     select one release even when several share a namespace */}}
{{- define "cosy.promSelector" -}}
{{- printf "namespace=%q,cosy_release=%q" .Release.Namespace .Release.Name -}}
{{- end -}}

{{- define "cosy.monitorEndpoint" -}}
- port: {{ .port }}
  path: /metrics
  interval: {{ .root.Values.metrics.serviceMonitor.interval }}
  relabelings:
    - action: replace
      targetLabel: cosy_release
      replacement: {{ .root.Release.Name | quote }}
{{- end -}}

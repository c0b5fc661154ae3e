{{/* Names, labels and the pieces every gifmesh workload shares. */}}

{{- define "gifmesh.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "gifmesh.fullname" -}}
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

{{/* Name of one component's objects: <fullname>-<component>. Call with (dict "root" $ "component" "gateway"). */}}
{{- define "gifmesh.componentName" -}}
{{- printf "%s-%s" (include "gifmesh.fullname" .root) .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Selector labels. They never change between releases (no chart version, no
image tag), because a Deployment's selector is immutable: helm upgrade must work.
*/}}
{{- define "gifmesh.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gifmesh.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "gifmesh.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "gifmesh.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: gifmesh
{{- end }}

{{- define "gifmesh.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "gifmesh.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Image reference of a component: (dict "root" $ "image" "gateway"). */}}
{{- define "gifmesh.image" -}}
{{- printf "%s/%s:%s" .root.Values.image.registry .image (default .root.Chart.AppVersion .root.Values.image.tag) }}
{{- end }}

{{/* The Secret that holds a given concern's keys: the concern's own existingSecret, else the global one. */}}
{{- define "gifmesh.secretName" -}}
{{- $name := default .root.Values.existingSecret .secret -}}
{{- required "existingSecret (or the dependency's own existingSecret) must name a Secret" $name -}}
{{- end }}

{{/* env entries read from a Secret: (dict "root" $ "name" "DATABASE_URL" "secret" "" "key" "database-url" "optional" false). */}}
{{- define "gifmesh.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ include "gifmesh.secretName" . }}
      key: {{ .key }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end }}

{{/* Static S3 keys from a Secret, or nothing: the AWS SDK's default credential chain (IRSA, EKS Pod Identity, instance profile). */}}
{{- define "gifmesh.s3SecretEnv" -}}
{{- if eq .Values.s3.credentials "static" }}
{{ include "gifmesh.secretEnv" (dict "root" . "name" "S3_ACCESS_KEY_ID" "secret" .Values.s3.existingSecret "key" .Values.s3.accessKeyIdKey) }}
{{ include "gifmesh.secretEnv" (dict "root" . "name" "S3_SECRET_ACCESS_KEY" "secret" .Values.s3.existingSecret "key" .Values.s3.secretAccessKeyKey) }}
{{- else if ne .Values.s3.credentials "default-chain" }}
{{- fail "s3.credentials must be static or default-chain" }}
{{- end }}
{{- end }}

{{/* The services listen on loopback unless told otherwise; in a pod they must listen on the pod's address. */}}
{{- define "gifmesh.listenConfigData" -}}
ADMIN_HOST: "0.0.0.0"
{{- end }}

{{/* The Secret holding the bearer token storage requires on every RPC (the gateway sends it). */}}
{{- define "gifmesh.storageRpcTokenSecret" -}}
{{- default (include "gifmesh.componentName" (dict "root" . "component" "storage-rpc-token")) .Values.storage.rpcAuth.existingSecret -}}
{{- end }}

{{- define "gifmesh.storageRpcTokenEnv" -}}
- name: STORAGE_RPC_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "gifmesh.storageRpcTokenSecret" . }}
      key: {{ .Values.storage.rpcAuth.tokenKey }}
{{- end }}

{{- define "gifmesh.databaseEnv" -}}
{{ include "gifmesh.secretEnv" (dict "root" . "name" "DATABASE_URL" "secret" .Values.postgresql.existingSecret "key" .Values.postgresql.urlKey) }}
{{- end }}

{{/* Where storage reaches Giphy: explicit URL, else the in-cluster fixture when enabled, else nothing (the real API). */}}
{{- define "gifmesh.giphyBaseUrl" -}}
{{- if .Values.giphy.baseUrl }}
{{- .Values.giphy.baseUrl }}
{{- else if .Values.giphyFixture.enabled }}
{{- printf "http://%s:%v/v1/" (include "gifmesh.componentName" (dict "root" . "component" "giphy-fixture")) .Values.giphyFixture.port }}
{{- end }}
{{- end }}

{{/* Pod-level fields every workload shares. */}}
{{- define "gifmesh.podCommon" -}}
{{- if and .hook .root.Values.serviceAccount.create }}
{{- /* A pre-install hook runs before the chart's ServiceAccount exists. */}}
serviceAccountName: default
{{- else }}
serviceAccountName: {{ include "gifmesh.serviceAccountName" .root }}
{{- end }}
automountServiceAccountToken: false
enableServiceLinks: false
securityContext:
  {{- toYaml .root.Values.podSecurityContext | nindent 2 }}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .values.affinity }}
affinity:
  {{- toYaml .values.affinity | nindent 2 }}
{{- else }}
affinity:
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              {{- include "gifmesh.selectorLabels" . | nindent 14 }}
{{- end }}
{{- end }}

{{/* The writable /tmp every container gets (the root filesystem is read-only). */}}
{{- define "gifmesh.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .tmpSizeLimit }}
{{- end }}

{{- define "gifmesh.tmpMount" -}}
- name: tmp
  mountPath: /tmp
{{- end }}

{{/* Annotations that roll the pods when their configuration changes. */}}
{{- define "gifmesh.configChecksum" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
{{- end }}

{{- define "gifmesh.s3ConfigData" -}}
{{- with .Values.s3.endpoint }}
S3_ENDPOINT: {{ . | quote }}
{{- end }}
S3_REGION: {{ .Values.s3.region | quote }}
S3_BUCKET: {{ required "s3.bucket is required" .Values.s3.bucket | quote }}
S3_FORCE_PATH_STYLE: {{ .Values.s3.forcePathStyle | quote }}
{{- end }}

{{- define "gifmesh.otelConfigData" -}}
{{- if .Values.config.otlpEndpoint }}
OTEL_EXPORTER_OTLP_ENDPOINT: {{ .Values.config.otlpEndpoint | quote }}
OTEL_SDK_DISABLED: "false"
{{- else }}
OTEL_SDK_DISABLED: "true"
{{- end }}
{{- end }}

{{/* The scaled services: component name → values key. */}}
{{- define "gifmesh.scaledComponents" -}}
gateway: gateway
storage: storage
file-worker: fileWorker
{{- end }}

{{/* Kafka connection settings (shared/src/kafka/connection-config.ts): protocol, SASL user, CA path. */}}
{{- define "gifmesh.kafkaConfigData" -}}
KAFKA_BROKERS: {{ required "kafka.brokers is required" .Values.kafka.brokers | quote }}
KAFKA_SECURITY_PROTOCOL: {{ .Values.kafka.securityProtocol | quote }}
{{- if hasPrefix "sasl_" .Values.kafka.securityProtocol }}
KAFKA_SASL_MECHANISM: {{ required "kafka.sasl.mechanism is required with a sasl_* protocol" .Values.kafka.sasl.mechanism | quote }}
KAFKA_SASL_USERNAME: {{ required "kafka.sasl.username is required with a sasl_* protocol" .Values.kafka.sasl.username | quote }}
{{- end }}
{{- if .Values.kafka.tls.caConfigMap }}
KAFKA_SSL_CA_LOCATION: "/etc/gifmesh/kafka-ca/{{ .Values.kafka.tls.caKey }}"
{{- end }}
{{- include "gifmesh.kafkaTopicConfigData" . }}
{{- end }}

{{/*
How the archive topics are created when missing (kafka.topics): unset values leave the
broker's defaults. min.insync.replicas above the replication factor would refuse every
acks=all write, so the chart refuses to render it.
*/}}
{{- define "gifmesh.kafkaTopicConfigData" -}}
{{- $t := .Values.kafka.topics | default dict }}
{{- $rf := $t.replicationFactor | default "" | toString }}
{{- $isr := $t.minInSyncReplicas | default "" | toString }}
{{- if and (ne $rf "") (ne $isr "") (gt (atoi $isr) (atoi $rf)) }}
{{- fail (printf "kafka.topics.minInSyncReplicas (%s) must not exceed kafka.topics.replicationFactor (%s): every acks=all write would be refused" $isr $rf) }}
{{- end }}
{{- if ne $rf "" }}
KAFKA_TOPIC_REPLICATION_FACTOR: {{ $rf | quote }}
{{- end }}
{{- if ne $isr "" }}
KAFKA_TOPIC_MIN_INSYNC_REPLICAS: {{ $isr | quote }}
{{- end }}
{{- end }}

{{/* The SASL password, from a Secret, when the protocol uses SASL. */}}
{{- define "gifmesh.kafkaSecretEnv" -}}
{{- if hasPrefix "sasl_" .Values.kafka.securityProtocol }}
{{ include "gifmesh.secretEnv" (dict "root" . "name" "KAFKA_SASL_PASSWORD" "secret" .Values.kafka.sasl.existingSecret "key" .Values.kafka.sasl.passwordKey) }}
{{- end }}
{{- end }}

{{/* PostgreSQL's CA: storage then connects with sslmode=verify-full (DATABASE_SSL_CA_FILE). */}}
{{- define "gifmesh.databaseTlsEnv" -}}
{{- if .Values.postgresql.tls.caConfigMap }}
- name: DATABASE_SSL_CA_FILE
  value: "/etc/gifmesh/postgresql-ca/{{ .Values.postgresql.tls.caKey }}"
{{- end }}
{{- end }}

{{/* CA bundles mounted read-only from ConfigMaps: (dict "root" $ "deps" (list "kafka" "postgresql")). */}}
{{- define "gifmesh.caVolumes" -}}
{{- range $dep := .deps }}
{{- with (index $.root.Values $dep).tls.caConfigMap }}
- name: {{ $dep }}-ca
  configMap:
    name: {{ . }}
{{- end }}
{{- end }}
{{- end }}

{{- define "gifmesh.caMounts" -}}
{{- range $dep := .deps }}
{{- if (index $.root.Values $dep).tls.caConfigMap }}
- name: {{ $dep }}-ca
  mountPath: /etc/gifmesh/{{ $dep }}-ca
  readOnly: true
{{- end }}
{{- end }}
{{- end }}

{{/* Redis ACL user and CA beside the URL (services/gateway/src/infrastructure/redis-client.ts). */}}
{{- define "gifmesh.redisEnv" -}}
{{- with .Values.redis.username }}
- name: REDIS_USERNAME
  value: {{ . | quote }}
{{- end }}
{{- if .Values.redis.passwordKey }}
{{ include "gifmesh.secretEnv" (dict "root" . "name" "REDIS_PASSWORD" "secret" .Values.redis.existingSecret "key" .Values.redis.passwordKey) }}
{{- end }}
{{- if .Values.redis.tls.caConfigMap }}
- name: REDIS_TLS_CA_FILE
  value: "/etc/gifmesh/redis-ca/{{ .Values.redis.tls.caKey }}"
{{- end }}
{{- end }}

{{/* ADMIN_TOKEN: /metrics wants "Authorization: Bearer <token>" (the ServiceMonitor sends it). */}}
{{- define "gifmesh.adminTokenEnv" -}}
{{- if .Values.metricsAuth.existingSecret }}
- name: ADMIN_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ .Values.metricsAuth.existingSecret }}
      key: {{ .Values.metricsAuth.tokenKey }}
{{- end }}
{{- end }}

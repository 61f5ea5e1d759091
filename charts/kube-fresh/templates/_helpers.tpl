{{/* Names and labels shared by every object of the release. */}}
{{- define "kube-fresh.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "kube-fresh.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "kube-fresh.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "kube-fresh.image" -}}
{{- $repo := required "image.repository is required: push the image `npm run image` builds and name it here" .Values.image.repository -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $repo .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* Registry flags and the volumes behind them, for both components. */}}
{{- define "kube-fresh.registryArgs" -}}
{{- if .Values.registry.dockerConfigSecret }}
- --docker-config=/etc/kube-fresh/docker/config.json
{{- end }}
{{- range .Values.registry.insecure }}
- --insecure-registry={{ . }}
{{- end }}
{{- if .Values.registry.caConfigMap }}
- --registry-ca=/etc/kube-fresh/registry-ca/ca.crt
{{- end }}
{{- end -}}

{{- define "kube-fresh.registryMounts" -}}
{{- if .Values.registry.dockerConfigSecret }}
- name: docker-config
  mountPath: /etc/kube-fresh/docker
  readOnly: true
{{- end }}
{{- if .Values.registry.caConfigMap }}
- name: registry-ca
  mountPath: /etc/kube-fresh/registry-ca
  readOnly: true
{{- end }}
- name: tmp
  mountPath: /tmp
{{- end -}}

{{- define "kube-fresh.registryVolumes" -}}
{{- if .Values.registry.dockerConfigSecret }}
- name: docker-config
  secret:
    secretName: {{ .Values.registry.dockerConfigSecret }}
    items: [{ key: .dockerconfigjson, path: config.json }]
{{- end }}
{{- if .Values.registry.caConfigMap }}
- name: registry-ca
  configMap:
    name: {{ .Values.registry.caConfigMap }}
    items: [{ key: ca.crt, path: ca.crt }]
{{- end }}
- name: tmp
  emptyDir: { sizeLimit: 64Mi }
{{- end -}}

{{- define "kube-fresh.webhookServiceName" -}}
{{- printf "%s-webhook" (include "kube-fresh.fullname" .) -}}
{{- end -}}

{{/* The namespaceSelector both webhook configurations use. */}}
{{- define "kube-fresh.webhookNamespaceSelector" -}}
{{- if eq .Values.webhook.namespaceMode "optIn" }}
matchLabels:
  kube-fresh.io/admission: enabled
{{- else }}
matchExpressions:
  - key: kubernetes.io/metadata.name
    operator: NotIn
    values:
      {{- range (concat .Values.webhook.excludedNamespaces (list .Release.Namespace) | uniq) }}
      - {{ . }}
      {{- end }}
  - key: kube-fresh.io/admission
    operator: NotIn
    values: [disabled]
{{- end }}
{{- end -}}

{{/* A webhook clientConfig: the URL when one is set, else the Service. */}}
{{- define "kube-fresh.clientConfig" -}}
{{- if .w.url }}
url: {{ printf "%s%s" (trimSuffix "/" .w.url) .path }}
{{- else }}
service:
  name: {{ .svc }}
  namespace: {{ .ns }}
  path: {{ .path }}
  port: 443
{{- end }}
{{- if .caBundle }}
caBundle: {{ .caBundle }}
{{- end }}
{{- end }}

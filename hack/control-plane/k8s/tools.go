//go:build tools

// Package tools records the commands built from this wrapper module so that
// `go mod tidy` keeps every module they need. It is never compiled (build tag).
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubelet"
)

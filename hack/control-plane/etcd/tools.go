//go:build tools

// Package tools records the etcd server command built from this wrapper module
// so that `go mod tidy` keeps every module it needs. It is never compiled (build tag).
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
)

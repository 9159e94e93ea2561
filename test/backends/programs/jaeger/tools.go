//go:build tools

// Jaeger v2 is built from this module (scripts/backends.sh): `go install` refuses Jaeger's own module
// for its replace directive, which go.mod here repeats.
package tools

import _ "github.com/jaegertracing/jaeger/cmd/jaeger"

#!/usr/bin/env bash
# Builds or fetches the real trace backends the backend suites run against, from their registries,
# cached under $BACKENDS_HOME (default ~/.cache/nest-tracing-backends) so a second run reuses them:
#   - Jaeger v2: github.com/jaegertracing/jaeger/cmd/jaeger at JAEGER_VERSION, from the Go module proxy
#   - Zipkin: io.zipkin:zipkin-server's exec jar at ZIPKIN_VERSION, from Maven Central (runs on Java 17+)
# Prints the cache folder. Fails, naming the backend, when one cannot be had.
set -euo pipefail

JAEGER_VERSION=v1.76.0
ZIPKIN_VERSION=3.6.1
home="${BACKENDS_HOME:-$HOME/.cache/nest-tracing-backends}"
mkdir -p "$home"

# --- Jaeger -------------------------------------------------------------------------------------
jaeger="$home/jaeger-$JAEGER_VERSION/jaeger"
if [ ! -x "$jaeger" ]; then
  started=$SECONDS
  module=$(mktemp -d)
  # `go install` refuses the module because its go.mod has a replace directive; a module of our own
  # that requires it, with the same replace, builds the same program.
  cat >"$module/go.mod" <<MOD
module nest-tracing/backends/jaeger

go 1.24.6

require github.com/jaegertracing/jaeger $JAEGER_VERSION

replace github.com/Shopify/sarama => github.com/Shopify/sarama v1.33.0
MOD
  printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/jaegertracing/jaeger/cmd/jaeger"\n' >"$module/tools.go"
  (cd "$module" && go mod tidy >/dev/null 2>&1 && go build -o "$jaeger.partial" github.com/jaegertracing/jaeger/cmd/jaeger) ||
    { echo "backends: could not build Jaeger $JAEGER_VERSION from the Go module proxy" >&2; exit 1; }
  mv "$jaeger.partial" "$jaeger"
  rm -rf "$module"
  echo "backends: built Jaeger $JAEGER_VERSION in $((SECONDS - started)) s" >&2
fi

# --- Zipkin -------------------------------------------------------------------------------------
zipkin="$home/zipkin-$ZIPKIN_VERSION/zipkin.jar"
if [ ! -s "$zipkin" ]; then
  started=$SECONDS
  mkdir -p "$(dirname "$zipkin")"
  mvn -q dependency:copy -Dartifact="io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec" \
    -DoutputDirectory="$(dirname "$zipkin")" -Dmdep.stripVersion=true >/dev/null ||
    { echo "backends: could not fetch zipkin-server $ZIPKIN_VERSION from Maven Central" >&2; exit 1; }
  mv "$(dirname "$zipkin")/zipkin-server-exec.jar" "$zipkin"
  echo "backends: fetched Zipkin $ZIPKIN_VERSION in $((SECONDS - started)) s" >&2
fi

echo "$home"

#!/usr/bin/env bash
# Builds or fetches the real trace backends the backend suites run against, from their registries,
# cached under $BACKENDS_HOME (default ~/.cache/nest-tracing-backends) so a second run reuses them:
#   - Jaeger v2 (module github.com/jaegertracing/jaeger v1.76.0 = Jaeger 2.13.0), from the Go module proxy
#   - an OpenTelemetry Collector with the components of docker/otel-collector (v0.161.0), likewise
#   - Zipkin: io.zipkin:zipkin-server's exec jar, from Maven Central (runs on Java 17+)
# The Go programs are built from test/backends/programs/*, whose go.mod and go.sum pin every module.
# Prints the cache folder. Fails, naming the backend, when one cannot be had.
set -euo pipefail
cd "$(dirname "$0")/.."

JAEGER_VERSION=v1.76.0
COLLECTOR_VERSION=v0.161.0
ZIPKIN_VERSION=3.6.1
home="${BACKENDS_HOME:-$HOME/.cache/nest-tracing-backends}"
mkdir -p "$home"

# build NAME VERSION SOURCE PACKAGE: a Go program into $home/NAME-VERSION/NAME, unless already there.
build() {
  local name=$1 version=$2 source=$3 package=$4
  local binary="$home/$name-$version/$name"
  [ -x "$binary" ] && return 0
  local started=$SECONDS
  mkdir -p "$(dirname "$binary")"
  (cd "$source" && go build -mod=readonly -trimpath -o "$binary.partial" "$package") ||
    { echo "backends: could not build $name $version from the Go module proxy" >&2; exit 1; }
  mv "$binary.partial" "$binary"
  echo "backends: built $name $version in $((SECONDS - started)) s" >&2
}

build jaeger "$JAEGER_VERSION" test/backends/programs/jaeger github.com/jaegertracing/jaeger/cmd/jaeger
build otelcol "$COLLECTOR_VERSION" test/backends/programs/otelcol .

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

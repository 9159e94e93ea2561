#!/usr/bin/env bash
# Installs or builds the real message brokers the messaging suites run against (`npm run test:messaging`),
# from their registries, caching what it builds under $BROKERS_HOME (default ~/.cache/nest-tracing-brokers):
#   - RabbitMQ and Mosquitto (MQTT 3.1.1 and 5): Debian's rabbitmq-server and mosquitto packages
#   - NATS: nats-server (module github.com/nats-io/nats-server/v2 v2.15.3), built from the Go module proxy
#   - Kafka: Apache Kafka 4.4.0's server (org.apache.kafka:kafka_2.13) and its runtime classpath, from
#     Maven Central, run as one KRaft node on Java 17
# Redis comes from scripts/test-services.sh; gRPC needs no broker. The suites start each broker
# themselves on free loopback ports. Prints the cache folder. Fails, naming the broker, when one cannot be had.
set -euo pipefail
cd "$(dirname "$0")/.."

NATS_VERSION=v2.15.3
KAFKA_VERSION=4.4.0
home="${BROKERS_HOME:-$HOME/.cache/nest-tracing-brokers}"
mkdir -p "$home"

missing=()
command -v rabbitmq-server >/dev/null 2>&1 || [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
if [ ${#missing[@]} -gt 0 ]; then
  started=$SECONDS
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    { echo "brokers: could not install ${missing[*]} from Debian" >&2; exit 1; }
  # The packages start their own services where an init system runs; the suites start private ones.
  service rabbitmq-server stop >/dev/null 2>&1 || true
  service mosquitto stop >/dev/null 2>&1 || true
  echo "brokers: installed ${missing[*]} in $((SECONDS - started)) s" >&2
fi

nats="$home/nats-server-$NATS_VERSION/nats-server"
if [ ! -x "$nats" ]; then
  started=$SECONDS
  mkdir -p "$(dirname "$nats")"
  (cd test/messaging/programs/nats && go build -mod=readonly -trimpath -o "$nats.partial" github.com/nats-io/nats-server/v2) ||
    { echo "brokers: could not build nats-server $NATS_VERSION from the Go module proxy" >&2; exit 1; }
  mv "$nats.partial" "$nats"
  echo "brokers: built nats-server $NATS_VERSION in $((SECONDS - started)) s" >&2
fi

kafka="$home/kafka-$KAFKA_VERSION"
if [ ! -f "$kafka/complete" ]; then
  started=$SECONDS
  rm -rf "$kafka"
  mvn -q -f test/messaging/programs/kafka/pom.xml dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$kafka/libs" >/dev/null ||
    { echo "brokers: could not fetch Kafka $KAFKA_VERSION from Maven Central" >&2; exit 1; }
  touch "$kafka/complete"
  echo "brokers: fetched Kafka $KAFKA_VERSION in $((SECONDS - started)) s" >&2
fi

echo "$home"

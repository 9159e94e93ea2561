//go:build tools

// nats-server is built from this module (scripts/brokers.sh), so go.sum pins every module it uses.
package tools

import _ "github.com/nats-io/nats-server/v2"

import { ConfigError } from './config-error.js';
import { type Env, readEnv } from './env.js';

const USE_OTLP_FOR_JAEGER =
  "Jaeger's own exporter was withdrawn from OpenTelemetry and Jaeger takes OTLP: use TRACING_EXPORTER=jaeger with JAEGER_ENDPOINT, or OTEL_TRACES_EXPORTER=otlp";
const NO_CONFIG_FILE = 'configuration files are not supported; set the environment variables they would hold';
const SCHEME_DECIDES_TLS =
  "it applies only to a gRPC endpoint given without http:// or https://, which is refused here: the endpoint's scheme decides (http:// plain, https:// TLS)";

/** Standard variables the library does not implement, each refused with the reason and what to use. */
const UNSUPPORTED: [matches: (name: string, value: string) => boolean, reason: string][] = [
  [(name) => name.startsWith('OTEL_EXPORTER_JAEGER_'), USE_OTLP_FOR_JAEGER],
  [(name) => name === 'OTEL_CONFIG_FILE' || name === 'OTEL_EXPERIMENTAL_CONFIG_FILE', NO_CONFIG_FILE],
  // `false` is the default, and what the library does.
  [
    (name, value) => (name === 'OTEL_EXPORTER_OTLP_INSECURE' || name === 'OTEL_EXPORTER_OTLP_TRACES_INSECURE') && value.toLowerCase() !== 'false',
    SCHEME_DECIDES_TLS,
  ],
];

/** Stops on a standard variable that would otherwise be ignored without a word. */
export function refuseUnsupportedVariables(env: Env): void {
  for (const name of Object.keys(env).sort()) {
    const value = readEnv(env, name);
    if (value === undefined) continue;
    const refused = UNSUPPORTED.find(([matches]) => matches(name, value));
    if (refused) throw new ConfigError(name, value, refused[1]);
  }
}

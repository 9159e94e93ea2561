import type { SpanLimits } from '@opentelemetry/sdk-trace';
import type {
  CONSOLE_FORMATS,
  EXPORTER_NAMES,
  INSTRUMENTATION_NAMES,
  OTLP_PROTOCOLS,
  PROPAGATOR_NAMES,
  RESOURCE_DETECTOR_NAMES,
  SAMPLER_NAMES,
} from './choices.js';

export type TracingExporterName = (typeof EXPORTER_NAMES)[number];
/** An exporter that sends spans somewhere (every name but `none`). */
export type SpanExporterName = Exclude<TracingExporterName, 'none'>;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];
export type InstrumentationName = (typeof INSTRUMENTATION_NAMES)[number];
export type SamplerName = (typeof SAMPLER_NAMES)[number];
export type PropagatorName = (typeof PROPAGATOR_NAMES)[number];
export type ResourceDetectorName = (typeof RESOURCE_DETECTOR_NAMES)[number];

/** `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`, used when `TRACING_SAMPLE_RATE` is not set. */
export interface EnvSamplerConfig {
  name: SamplerName;
  ratio: number;
}

/** Batch export settings, from the standard `OTEL_BSP_*` variables. */
export interface BatchConfig {
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  exportTimeoutMillis: number;
}

export interface BaggageLimits {
  /** Entries kept, in the order received. @default 16 */
  maxEntries: number;
  /** Bytes kept (`key=value` of each entry kept). @default 1024 */
  maxBytes: number;
}

/** Everything the environment decides, validated once at startup. */
export interface TracingConfig {
  enabled: boolean;
  serviceName: string;
  serviceVersion?: string;
  environment?: string;
  /** `TRACING_EXPORTER`: where spans go, each with its own batch queue; empty for `none`. */
  exporters: SpanExporterName[];
  /** How the `console` exporter writes spans. */
  consoleFormat: (typeof CONSOLE_FORMATS)[number];
  /** Undefined when neither `TRACING_SAMPLE_RATE` nor `OTEL_TRACES_SAMPLER` is set. */
  sampleRate?: number;
  /** Set when `OTEL_TRACES_SAMPLER` is set and `TRACING_SAMPLE_RATE` is not. */
  envSampler?: EnvSamplerConfig;
  /** `OTEL_PROPAGATORS`, default `tracecontext,baggage`; empty for `none`. */
  propagators: Exclude<PropagatorName, 'none'>[];
  /** Bounds on the W3C baggage taken from a request (`TRACING_BAGGAGE_MAX_ENTRIES`, `_MAX_BYTES`). */
  baggageLimits: BaggageLimits;
  /** `OTEL_NODE_RESOURCE_DETECTORS`, resolved: `all` expanded, empty for `none`. */
  resourceDetectors: Exclude<ResourceDetectorName, 'all' | 'none'>[];
  /** `OTEL_SPAN_*_LIMIT` and `OTEL_ATTRIBUTE_*_LIMIT`; unset ones keep the SDK's defaults. */
  spanLimits: SpanLimits;
  jaegerEndpoint: string;
  zipkinEndpoint: string;
  /** `OTEL_EXPORTER_ZIPKIN_TIMEOUT`, default 10 s. */
  zipkinTimeoutMillis: number;
  /** The OTLP traces URL, or undefined to let the exporter read `OTEL_EXPORTER_OTLP_*` itself. */
  otlpEndpoint?: string;
  otlpProtocol: OtlpProtocol;
  batch: BatchConfig;
  /** `OTEL_NODE_ENABLED_INSTRUMENTATIONS` (default: the default set) without the disabled ones. */
  instrumentations: InstrumentationName[];
  /** `OTEL_NODE_DISABLED_INSTRUMENTATIONS`: off even when the preload options configure them. */
  disabledInstrumentations: InstrumentationName[];
  /** True when `OTEL_NODE_ENABLED_INSTRUMENTATIONS` is unset and `instrumentations` comes from the default set. */
  defaultInstrumentations: boolean;
}

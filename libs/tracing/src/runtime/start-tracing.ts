import Module from 'node:module';
import type { TracingConfig } from '../config/tracing-config.js';
import { createSpanExporters } from '../exporters/create-span-exporter.js';
import { hookedSpecifiers, loadInstrumentations } from '../instrumentation/instrumentations.js';
import { type ChosenInstrumentations, chooseInstrumentations, type TracingPreloadOptions } from '../instrumentation/preload-options.js';
import { redactSpan, RedactingSpanExporter } from '../redaction/redacting-span-exporter.js';
import { ConsoleTreeExporter } from '../exporters/console-tree-exporter.js';
import { ConsoleTreeProcessor } from '../exporters/console-tree-processor.js';
import { BatchSpanProcessor } from '../sdk-replacements/batch-span-processor.js';
import { narrowRequireHook, type Require } from '../sdk-replacements/require-filter.js';
import { routeDiagnostics } from './diag-logger.js';
import { startOtelSignals } from './otel-signals.js';
import { createPropagator } from './propagator.js';
import { createResource } from './resource.js';
import { tracingLogger } from './tracing-logger.js';
import { setTracingRuntime, type RuntimeOwner, TracingRuntime } from './tracing-runtime.js';
import { assembleRuntime } from './assemble-runtime.js';

/** What the preload read and decided before the app was loaded. */
export interface PreloadInput {
  options: TracingPreloadOptions;
  /** The instrumentations chosen from the environment and the options, whose modules are hooked. */
  chosen: ChosenInstrumentations;
  /** `require` as it was before anything hooked it. */
  unhookedRequire: Require;
}

/**
 * Starts tracing from a validated config and publishes the runtime. With tracing off nothing is
 * started: the API's no-op tracer makes every span call free.
 */
export async function startTracing(config: TracingConfig, owner: RuntimeOwner, preload?: PreloadInput): Promise<TracingRuntime> {
  if (!config.enabled) {
    const runtime = TracingRuntime.disabled(config, owner);
    setTracingRuntime(runtime);
    return runtime;
  }
  const resource = createResource(config);
  const unhookedRequire = preload?.unhookedRequire ?? Module.prototype.require;
  const options = preload?.options ?? {};
  const { names, asked } = preload?.chosen ?? chooseInstrumentations(config, options);
  const extra = options.extraInstrumentations ?? [];
  const warn = (message: string): void => tracingLogger.warn(message);
  const [exporters, instrumentations, propagator, signals] = await Promise.all([
    createSpanExporters(config),
    loadInstrumentations(names, { options: options.instrumentations, asked, warn }),
    createPropagator(config),
    startOtelSignals(resource),
  ]);
  narrowRequireHook(unhookedRequire, hookedSpecifiers(names, extra));
  // After sdk-node, if it was loaded: it installs a console diag logger of its own for OTEL_LOG_LEVEL.
  routeDiagnostics(process.env.OTEL_LOG_LEVEL);
  return assembleRuntime({
    config,
    owner,
    resource,
    // A queue per exporter: a slow or unreachable backend drops its own spans, never another's. The
    // console tree takes spans as they end, to print each trace as soon as its work is done.
    exportProcessors: (redactor, dropped) =>
      exporters.map((exporter) =>
        exporter instanceof ConsoleTreeExporter
          ? new ConsoleTreeProcessor(exporter, (span) => redactSpan(span, redactor))
          : new BatchSpanProcessor(new RedactingSpanExporter(exporter, redactor), config.batch, dropped),
      ),
    instrumentations: [...instrumentations, ...extra],
    propagator,
    signals,
    warn,
  });
}

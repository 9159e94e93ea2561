import { Inject, Injectable, Optional } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { Counter, Gauge, Histogram } from 'prom-client';
import { exemplarOf } from './exemplar.js';
import { scrape, type Scrape } from './metrics-endpoint.js';
import { exemplarLabels, LATENCY_BUCKETS, type OpenMetricsRegistry, TracingMetrics } from './tracing-metrics.js';

type Labels = Record<string, string | number>;

export interface AppMetricOptions {
  /** The metric's description, as `# HELP` shows it. Required. */
  help: string;
  /** The label names its values may carry. @default [] */
  labelNames?: string[];
}

export interface AppHistogramOptions extends AppMetricOptions {
  /** Upper bounds of the buckets, in the metric's unit. @default the library's latency buckets, 1 ms to 10 s */
  buckets?: number[];
}

/** A counter of the app's own; each increase made inside a sampled span carries it as exemplar. */
export interface AppCounter {
  add(value?: number, labels?: Labels): void;
}

/** A histogram of the app's own; each value recorded inside a sampled span carries it as exemplar. */
export interface AppHistogram {
  record(value: number, labels?: Labels): void;
  /** Starts a timer; calling what it returns records the seconds since. */
  startTimer(labels?: Labels): () => number;
}

export interface AppGauge {
  set(value: number, labels?: Labels): void;
  add(delta: number, labels?: Labels): void;
}

const currentExemplar = () => exemplarLabels(exemplarOf(trace.getActiveSpan()?.spanContext()));

/**
 * The app's own counters, histograms and gauges, on the registry the library serves (so one scrape
 * has both), each value recorded inside a sampled span linked to its trace by an exemplar. Asking
 * twice for a name gives the same metric. With metrics off (`metrics: false`) every metric is a
 * no-op, so code that records them needs no condition.
 */
@Injectable()
export class MetricsService {
  private readonly made = new Map<string, { kind: string; metric: AppCounter | AppHistogram | AppGauge }>();

  constructor(@Optional() @Inject(TracingMetrics) private readonly metrics?: TracingMetrics | null) {}

  counter(name: string, options: AppMetricOptions): AppCounter {
    return this.make(name, 'counter', (registry) => {
      const counter = new Counter({ name, help: options.help, labelNames: options.labelNames ?? [], enableExemplars: true, registers: [registry] });
      return { add: (value = 1, labels = {}) => counter.inc({ labels, value, exemplarLabels: currentExemplar() }) };
    });
  }

  histogram(name: string, options: AppHistogramOptions): AppHistogram {
    return this.make(name, 'histogram', (registry) => {
      const histogram = new Histogram({
        name,
        help: options.help,
        labelNames: options.labelNames ?? [],
        buckets: options.buckets ?? LATENCY_BUCKETS,
        enableExemplars: true,
        registers: [registry],
      });
      const record = (value: number, labels: Labels = {}) => histogram.observe({ labels, value, exemplarLabels: currentExemplar() });
      return {
        record,
        startTimer: (labels = {}) => {
          const started = process.hrtime.bigint();
          return () => {
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            record(seconds, labels);
            return seconds;
          };
        },
      };
    });
  }

  gauge(name: string, options: AppMetricOptions): AppGauge {
    return this.make(name, 'gauge', (registry) => {
      const gauge = new Gauge({ name, help: options.help, labelNames: options.labelNames ?? [], registers: [registry] });
      return { set: (value, labels = {}) => gauge.set(labels, value), add: (delta, labels = {}) => gauge.inc(labels, delta) };
    });
  }

  /** Every metric of the registry, as the metrics path serves it: for an app's own controller. */
  scrape(accept?: string): Promise<Scrape> {
    if (!this.metrics) return Promise.resolve({ contentType: 'text/plain; charset=utf-8', body: '' });
    return scrape(this.metrics, accept);
  }

  private make<M extends AppCounter | AppHistogram | AppGauge>(name: string, kind: string, create: (registry: OpenMetricsRegistry) => M): M {
    const known = this.made.get(name);
    if (known) {
      if (known.kind !== kind) throw new Error(`The metric ${name} is a ${known.kind}, not a ${kind}`);
      return known.metric as M;
    }
    const metric = this.metrics ? this.created(name, () => create(this.metrics!.registry)) : (NO_OP as unknown as M);
    this.made.set(name, { kind, metric });
    return metric;
  }

  private created<M>(name: string, create: () => M): M {
    try {
      return create();
    } catch (error) {
      throw new Error(`The metric ${name} cannot be made: ${(error as Error).message}`, { cause: error });
    }
  }
}

const NO_OP: AppCounter & AppHistogram & AppGauge = {
  add: () => undefined,
  record: () => undefined,
  startTimer: () => () => 0,
  set: () => undefined,
};

import type { StoredTrace, TraceStore } from '../store/trace-store.js';
import { summarize } from '../store/trace-summary.js';
import type { Attributes, StoredSpan } from '../explorer-api.js';
import { allValues, firstValue, type QueryParameters } from '../query-parameters.js';
import { attributeText } from '../store/stored-model.js';
import { parseTraceId } from '../trace-id.js';
import { STATUS_CODE } from '../store/stored-model.js';

/** A query parameter Jaeger would refuse; answered with 400 and Jaeger's error shape. */
export class QueryError extends Error {
  override name = 'QueryError';
}

/** Jaeger's defaults: 100 traces, two days back. */
const DEFAULT_LIMIT = 100;
const DEFAULT_LOOKBACK_US = 2 * 24 * 3_600 * 1_000_000;
const DEFAULT_DEPENDENCIES_LOOKBACK_MS = 24 * 3_600 * 1_000;

const UNIT_MICROS: Record<string, number> = { ns: 0.001, us: 1, µs: 1, μs: 1, ms: 1_000, s: 1_000_000, m: 60_000_000, h: 3_600_000_000 };

/** A Go duration (`1.5s`, `250ms`, `1h30m`), as Jaeger's `minDuration`/`maxDuration` take, in microseconds. */
export function parseGoDuration(text: string, name: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) throw new QueryError(`cannot parse ${name}: time: invalid duration "${text}"`);
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * UNIT_MICROS[unit], 0);
}

function integer(parameters: QueryParameters, name: string): number | undefined {
  const value = firstValue(parameters, name);
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new QueryError(`cannot parse ${name}: strconv.ParseInt: parsing "${value}": invalid syntax`);
  return Number(value);
}

export interface JaegerTraceQuery {
  service?: string;
  operation?: string;
  tags: Record<string, string>;
  startUs: number;
  endUs: number;
  minDurationUs?: number;
  maxDurationUs?: number;
  limit: number;
  traceIds: string[];
}

/**
 * `/api/traces`' parameters as Jaeger reads them: `service` (required unless `traceID` is given),
 * `operation`, `tag=key:value` and `tags` (a JSON object), `start`/`end` in microseconds (default:
 * the last two days, or `lookback`, a duration such as `1h` as Jaeger's UI sends), `minDuration`
 * and `maxDuration` as Go durations, `limit` (default 100) and any number of `traceID`.
 */
export function parseTraceQuery(parameters: QueryParameters, nowUs: number): JaegerTraceQuery {
  const tags: Record<string, string> = {};
  for (const tag of allValues(parameters, 'tag')) {
    const separator = tag.indexOf(':');
    if (separator < 1) throw new QueryError(`malformed 'tag' parameter, expecting key:value, received: ${tag}`);
    tags[tag.slice(0, separator)] = tag.slice(separator + 1);
  }
  for (const json of allValues(parameters, 'tags')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (error) {
      throw new QueryError(`malformed 'tags' parameter, cannot unmarshal JSON: ${(error as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((value) => typeof value !== 'string')) {
      throw new QueryError("malformed 'tags' parameter, cannot unmarshal JSON: expected an object of strings");
    }
    Object.assign(tags, parsed);
  }
  const endUs = integer(parameters, 'end') ?? nowUs;
  const lookback = firstValue(parameters, 'lookback');
  const lookbackUs = lookback === undefined || lookback === 'custom' ? DEFAULT_LOOKBACK_US : parseLookback(lookback);
  const minDuration = firstValue(parameters, 'minDuration');
  const maxDuration = firstValue(parameters, 'maxDuration');
  const query: JaegerTraceQuery = {
    service: firstValue(parameters, 'service'),
    operation: firstValue(parameters, 'operation'),
    tags,
    startUs: integer(parameters, 'start') ?? endUs - lookbackUs,
    endUs,
    minDurationUs: minDuration === undefined ? undefined : parseGoDuration(minDuration, 'minDuration'),
    maxDurationUs: maxDuration === undefined ? undefined : parseGoDuration(maxDuration, 'maxDuration'),
    limit: integer(parameters, 'limit') ?? DEFAULT_LIMIT,
    traceIds: allValues(parameters, 'traceID').map((id) => {
      const traceId = parseTraceId(id);
      if (traceId === undefined) throw new QueryError(`cannot parse traceID param: ${id}`);
      return traceId;
    }),
  };
  if (query.traceIds.length === 0 && query.service === undefined) throw new QueryError("parameter 'service' is required");
  if (query.minDurationUs !== undefined && query.maxDurationUs !== undefined && query.maxDurationUs < query.minDurationUs) {
    throw new QueryError("'maxDuration' should be greater than 'minDuration'");
  }
  return query;
}

/** Jaeger UI's lookback values: `1h`, `2d`, and Go durations. */
function parseLookback(text: string): number {
  const days = /^(\d+)d$/.exec(text);
  return days ? Number(days[1]) * 24 * 3_600_000_000 : parseGoDuration(text, 'lookback');
}

function hasAttribute(attributes: Attributes, key: string, value: string): boolean {
  return key in attributes && attributeText(attributes[key]) === value;
}

/**
 * Jaeger's rule (its in-memory store's): a trace matches when one of its spans meets every
 * condition. `error=true` asks for an error status and `error=false` for an OK status; any other tag
 * is looked for among the span's attributes, its resource's and its events'.
 */
function spanMatches(span: StoredSpan, query: JaegerTraceQuery): boolean {
  if (query.service !== undefined && span.resource.serviceName !== query.service) return false;
  if (query.operation !== undefined && span.name !== query.operation) return false;
  if (span.startUs < query.startUs || span.startUs > query.endUs) return false;
  if (query.minDurationUs !== undefined && query.minDurationUs > 0 && span.durationUs < query.minDurationUs) return false;
  if (query.maxDurationUs !== undefined && query.maxDurationUs > 0 && span.durationUs > query.maxDurationUs) return false;
  for (const [key, value] of Object.entries(query.tags)) {
    if (key === 'error') {
      if (span.status.code !== (value === 'true' ? STATUS_CODE.ERROR : STATUS_CODE.OK)) return false;
    } else if (
      !hasAttribute(span.attributes, key, value) &&
      !hasAttribute(span.resource.attributes, key, value) &&
      !span.events.some((event) => hasAttribute(event.attributes, key, value))
    ) {
      return false;
    }
  }
  return true;
}

export function findTraces(store: TraceStore, query: JaegerTraceQuery): StoredTrace[] {
  if (query.traceIds.length > 0) {
    return query.traceIds.map((id) => store.get(id)).filter((trace): trace is StoredTrace => trace !== undefined && trace.spans.length > 0);
  }
  const found: StoredTrace[] = [];
  for (const trace of store.newestFirst()) {
    if (query.limit > 0 && found.length >= query.limit) break;
    if (trace.spans.some((span) => spanMatches(span, query))) found.push(trace);
  }
  return found;
}

/**
 * Jaeger's dependency links: a count per (parent's service, child's service) over every span with
 * its parent in the trace, same-service pairs included, of the traces that ran within the window.
 */
export function dependencyLinks(
  traces: Iterable<StoredTrace>,
  { endUs, lookbackUs }: DependenciesQuery,
): { parent: string; child: string; callCount: number }[] {
  const links = new Map<string, { parent: string; child: string; callCount: number }>();
  for (const trace of traces) {
    const { startUs, durationUs } = summarize(trace);
    if (startUs <= endUs - lookbackUs || startUs + durationUs >= endUs) continue;
    const byId = new Map(trace.spans.map((span) => [span.spanId, span]));
    for (const span of trace.spans) {
      const parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
      if (parent === undefined) continue;
      const key = `${parent.resource.serviceName}\u0000${span.resource.serviceName}`;
      const link = links.get(key);
      if (link) link.callCount++;
      else links.set(key, { parent: parent.resource.serviceName, child: span.resource.serviceName, callCount: 1 });
    }
  }
  return [...links.values()];
}

export interface DependenciesQuery {
  endUs: number;
  lookbackUs: number;
}

/** `/api/dependencies`: `endTs` and `lookback` in milliseconds (default: the day before now). */
export function parseDependenciesQuery(parameters: QueryParameters, nowUs: number): DependenciesQuery {
  const endTs = integer(parameters, 'endTs');
  const lookback = integer(parameters, 'lookback');
  return { endUs: endTs === undefined ? nowUs : endTs * 1_000, lookbackUs: (lookback ?? DEFAULT_DEPENDENCIES_LOOKBACK_MS) * 1_000 };
}

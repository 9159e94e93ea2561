import { BadRequestException, Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import type { ServiceMap, StoreStats, TraceDetail, TraceList } from '../explorer-api.js';
import { buildServiceMap } from '../store/service-map.js';
import { DEFAULT_LIST_LIMIT, listTraces, type TraceFilter } from '../store/trace-filter.js';
import { firstValue, type QueryParameters } from '../query-parameters.js';
import { TraceStore } from '../store/trace-store.js';
import { traceDetail } from './trace-page.js';
import { parseTraceId, parseTraceIdPrefix } from '../trace-id.js';

/** A filter's value, trimmed; undefined when absent or blank. */
function text(parameters: QueryParameters, name: string): string | undefined {
  return firstValue(parameters, name)?.trim() || undefined;
}

function milliseconds(parameters: QueryParameters, name: string): number | undefined {
  const value = text(parameters, name);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new BadRequestException(`${name} must be a number of milliseconds`);
  return number;
}

/** The UI's search parameters: `service`, `operation`, `errors=true`, `minMs`, `maxMs`, `attr=key=value`, `traceId`, `limit`. */
export function parseFilter(parameters: QueryParameters): TraceFilter {
  const attribute = text(parameters, 'attr');
  const separator = attribute?.indexOf('=') ?? -1;
  if (attribute !== undefined && separator < 1) throw new BadRequestException('attr must be key=value');
  const given = text(parameters, 'traceId');
  const traceId = given === undefined ? undefined : parseTraceIdPrefix(given);
  if (given !== undefined && traceId === undefined) throw new BadRequestException('traceId must be 1 to 32 hex digits');
  const limit = text(parameters, 'limit');
  if (limit !== undefined && !/^\d{1,4}$/.test(limit)) throw new BadRequestException('limit must be a whole number up to 9999');
  return {
    service: text(parameters, 'service'),
    operation: text(parameters, 'operation'),
    errorsOnly: text(parameters, 'errors') === 'true',
    minDurationMs: milliseconds(parameters, 'minMs'),
    maxDurationMs: milliseconds(parameters, 'maxMs'),
    attribute: attribute === undefined ? undefined : { key: attribute.slice(0, separator).trim(), value: attribute.slice(separator + 1).trim() },
    traceId,
    limit: limit === undefined ? DEFAULT_LIST_LIMIT : Number(limit),
  };
}

/** What the explorer's own pages read: summaries, a whole trace with its logs, the service map. */
@Controller('api/explorer')
export class ExplorerController {
  constructor(private readonly store: TraceStore) {}

  @Get('traces')
  traces(@Query() parameters: QueryParameters): TraceList {
    return { version: this.store.currentVersion, traces: listTraces(this.store.newestFirst(), parseFilter(parameters)), stats: this.store.stats() };
  }

  @Get('traces/:traceId')
  trace(@Param('traceId') traceId: string): TraceDetail {
    const id = parseTraceId(traceId);
    const trace = id === undefined ? undefined : this.store.get(id);
    if (trace === undefined || trace.spans.length === 0) throw new NotFoundException(`trace ${traceId} is not here (not received, or evicted)`);
    return traceDetail(trace);
  }

  @Get('services')
  services(): { name: string; operations: string[] }[] {
    return [...this.store.operationsByService()]
      .map(([name, operations]) => ({ name, operations: [...operations.keys()].sort() }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  @Get('map')
  map(): ServiceMap {
    return buildServiceMap(this.store.newestFirst());
  }

  @Get('stats')
  stats(): StoreStats {
    return this.store.stats();
  }
}

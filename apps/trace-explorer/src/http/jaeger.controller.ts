import { Controller, Get, HttpException, HttpStatus, NotFoundException, Param, Query } from '@nestjs/common';
import { type JaegerResponse, type JaegerTrace, jaegerError, jaegerResponse, toJaegerTrace } from '../jaeger/jaeger-model.js';
import { dependencyLinks, findTraces, parseDependenciesQuery, parseTraceQuery, QueryError } from '../jaeger/jaeger-query.js';
import type { QueryParameters } from '../query-parameters.js';
import { TraceStore } from '../store/trace-store.js';
import { parseTraceId } from '../trace-id.js';

const nowUs = () => Date.now() * 1_000;

/** Jaeger's HTTP query API (`/api/...`), answered from the store in Jaeger's JSON shapes. */
@Controller('api')
export class JaegerController {
  constructor(private readonly store: TraceStore) {}

  @Get('services')
  services(): JaegerResponse<string[]> {
    return jaegerResponse([...this.store.operationsByService().keys()].sort());
  }

  @Get('services/:service/operations')
  operations(@Param('service') service: string): JaegerResponse<string[]> {
    return jaegerResponse([...(this.store.operationsByService().get(service)?.keys() ?? [])].sort());
  }

  /** Jaeger's newer form: operations with their span kind, optionally of one kind. */
  @Get('operations')
  operationsWithKind(@Query('service') service?: string, @Query('spanKind') spanKind?: string): JaegerResponse<{ name: string; spanKind: string }[]> {
    if (!service) throw badRequest("parameter 'service' is required");
    const operations = [...(this.store.operationsByService().get(service) ?? [])]
      .map(([name, kind]) => ({ name, spanKind: kind }))
      .filter((operation) => !spanKind || operation.spanKind === spanKind)
      .sort((a, b) => a.name.localeCompare(b.name));
    return jaegerResponse(operations);
  }

  @Get('traces')
  traces(@Query() parameters: QueryParameters): JaegerResponse<JaegerTrace[]> {
    const query = parse(() => parseTraceQuery(parameters, nowUs()));
    return jaegerResponse(findTraces(this.store, query).map((trace) => toJaegerTrace(trace.traceId, trace.spans)));
  }

  @Get('traces/:traceId')
  trace(@Param('traceId') traceId: string): JaegerResponse<JaegerTrace[]> {
    const id = parseTraceId(traceId);
    if (id === undefined) throw badRequest(`cannot parse traceID param: ${traceId}`);
    const trace = this.store.get(id);
    if (trace === undefined || trace.spans.length === 0) throw new NotFoundException(jaegerError(404, 'trace not found'));
    return jaegerResponse([toJaegerTrace(trace.traceId, trace.spans)]);
  }

  @Get('dependencies')
  dependencies(@Query() parameters: QueryParameters): JaegerResponse<{ parent: string; child: string; callCount: number }[]> {
    const query = parse(() => parseDependenciesQuery(parameters, nowUs()));
    return jaegerResponse(dependencyLinks(this.store.newestFirst(), query));
  }
}

function badRequest(message: string): HttpException {
  return new HttpException(jaegerError(400, message), HttpStatus.BAD_REQUEST);
}

function parse<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof QueryError) throw badRequest(error.message);
    throw error;
  }
}

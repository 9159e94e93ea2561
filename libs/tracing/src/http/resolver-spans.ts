import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { type Context, context, SpanKind } from '@opentelemetry/api';
import { ATTR_CODE_FUNCTION_NAME } from '@opentelemetry/semantic-conventions';
import type { Observable } from 'rxjs';
import { runInNewSpan } from '../api/span-lifecycle.js';
import { isUnsampled } from '../runtime/library-tracer.js';
import { setRequestOperation } from './request-operation.js';

export const ATTR_GRAPHQL_FIELD_NAME = 'graphql.field.name';
/** The field's path in the response, list indices as `*`: `users.*.posts`. */
export const ATTR_GRAPHQL_FIELD_PATH = 'graphql.field.path';
export const ATTR_GRAPHQL_PARENT_NAME = 'graphql.parent.name';

interface ResponsePath {
  prev?: ResponsePath;
  key: string | number;
}

/** What graphql-js gives a resolver last: where it stands in the operation. */
export interface ResolveInfo {
  fieldName?: string;
  parentType?: { name?: string };
  path?: ResponsePath;
  operation?: { operation?: string; name?: { value?: string } };
}

/** `users.*.posts` for `users.3.posts`: one name for the field in every item of a list. */
export function mergedPath(path: ResponsePath | undefined): string {
  const keys: string[] = [];
  for (let node = path; node; node = node.prev) keys.push(typeof node.key === 'number' ? '*' : node.key);
  return keys.reverse().join('.');
}

/** A top-level resolver names the request's operation (`query GetUser`) for the request metrics. */
export function nameGraphqlOperation(parent: Context, info: ResolveInfo | undefined): void {
  const operation = info?.operation;
  if (!operation?.operation || info?.path?.prev !== undefined) return;
  setRequestOperation(parent, operation.name?.value ? `${operation.operation} ${operation.name.value}` : operation.operation);
}

/** The merged paths that already have a span, per operation (its context value). */
const traced = new WeakMap<object, Set<string>>();

/**
 * Runs a resolver the app wrote (`@Query`, `@Mutation`, `@ResolveField`) in an INTERNAL span
 * `Resolver.method` under the operation; Nest runs interceptors for no other. A top-level resolver
 * first names the request's operation, for every request, sampled or not.
 */
export function runResolver(executionContext: ExecutionContext, next: CallHandler): Observable<unknown> {
  const parent = context.active();
  const info = executionContext.getArgByIndex<ResolveInfo | undefined>(3);
  nameGraphqlOperation(parent, info);
  if (isUnsampled(parent)) return next.handle();
  const name = `${executionContext.getClass().name}.${executionContext.getHandler().name}`;
  return runFieldSpan(name, parent, executionContext.getArgByIndex(2), info, () => next.handle());
}

/**
 * Runs a resolver in its span, except where the same field of an earlier item of a list has one:
 * a list of 1000 items does not make 1000 spans.
 */
export function runFieldSpan(
  name: string,
  parent: Context,
  operationContext: unknown,
  info: ResolveInfo | undefined,
  handle: () => Observable<unknown>,
): Observable<unknown> {
  const path = mergedPath(info?.path);
  if (typeof operationContext === 'object' && operationContext !== null) {
    const seen = traced.get(operationContext) ?? new Set<string>();
    traced.set(operationContext, seen);
    if (seen.has(path)) return handle();
    seen.add(path);
  }
  const attributes = {
    [ATTR_CODE_FUNCTION_NAME]: name,
    [ATTR_GRAPHQL_FIELD_NAME]: info?.fieldName,
    [ATTR_GRAPHQL_FIELD_PATH]: path,
    [ATTR_GRAPHQL_PARENT_NAME]: info?.parentType?.name,
  };
  return runInNewSpan(name, { kind: SpanKind.INTERNAL, attributes }, parent, handle);
}

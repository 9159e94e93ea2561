import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { RPCType, setRPCMetadata } from '@opentelemetry/core';
import { lastValueFrom, of } from 'rxjs';
import { setupTestTracing, type TestTracing } from '../testing/index.js';
import { requestOperation } from './request-operation.js';
import { mergedPath, nameGraphqlOperation, runFieldSpan } from './resolver-spans.js';

const path = (...keys: (string | number)[]) =>
  keys.reduce<{ key: string | number; prev?: unknown } | undefined>((prev, key) => ({ key, prev }), undefined) as never;

describe('mergedPath', () => {
  it('names a field the same in every item of a list', () => {
    expect(mergedPath(path('users', 3, 'posts', 0, 'title'))).toBe('users.*.posts.*.title');
    expect(mergedPath(path('user'))).toBe('user');
    expect(mergedPath(undefined)).toBe('');
  });
});

describe('nameGraphqlOperation', () => {
  it('names the HTTP request’s operation from a top-level resolver, the first name staying', () => {
    const rpcMetadata = { type: RPCType.HTTP as const, span: trace.wrapSpanContext({ traceId: '1'.repeat(32), spanId: '1'.repeat(16), traceFlags: 1 }) };
    const active = setRPCMetadata(ROOT_CONTEXT, rpcMetadata);
    nameGraphqlOperation(active, { path: path('user', 'posts'), operation: { operation: 'query', name: { value: 'Nested' } } });
    expect(requestOperation(rpcMetadata)).toBeUndefined();
    nameGraphqlOperation(active, { path: path('user'), operation: { operation: 'query', name: { value: 'GetUser' } } });
    nameGraphqlOperation(active, { path: path('other'), operation: { operation: 'mutation' } });
    expect(requestOperation(rpcMetadata)).toBe('query GetUser');
  });
});

describe('runFieldSpan', () => {
  let tracing: TestTracing;
  beforeEach(() => {
    tracing = setupTestTracing();
  });
  afterEach(() => tracing.shutdown());

  it('gives a field one span for all the items of a list, per operation', async () => {
    const operation = {};
    for (let index = 0; index < 3; index++) {
      const info = { fieldName: 'posts', parentType: { name: 'User' }, path: path('users', index, 'posts') };
      await lastValueFrom(runFieldSpan('UsersResolver.posts', context.active(), operation, info, () => of(index)));
    }
    await lastValueFrom(runFieldSpan('UsersResolver.posts', context.active(), {}, { path: path('users', 0, 'posts') }, () => of(0)));
    const spans = tracing.spans();
    expect(spans).toHaveLength(2);
    expect(spans[0]).toMatchObject({
      name: 'UsersResolver.posts',
      attributes: {
        'code.function.name': 'UsersResolver.posts',
        'graphql.field.name': 'posts',
        'graphql.field.path': 'users.*.posts',
        'graphql.parent.name': 'User',
      },
    });
  });
});

import type { Context } from '@opentelemetry/api';
import { getRPCMetadata, type RPCMetadata, RPCType } from '@opentelemetry/core';

const operations = new WeakMap<RPCMetadata, string>();

/**
 * Names the operation the HTTP request in `active` ran, where its route alone says little (a
 * GraphQL `query GetUser` on `/graphql`). The first name given to a request stays.
 */
export function setRequestOperation(active: Context, operation: string): void {
  const rpcMetadata = getRPCMetadata(active);
  if (rpcMetadata?.type === RPCType.HTTP && !operations.has(rpcMetadata)) operations.set(rpcMetadata, operation);
}

/** The operation named for the request whose RPC metadata this is, if any. */
export function requestOperation(rpcMetadata: RPCMetadata | undefined): string | undefined {
  return rpcMetadata && operations.get(rpcMetadata);
}

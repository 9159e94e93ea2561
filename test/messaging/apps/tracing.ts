import type { DynamicModule } from '@nestjs/common';

/**
 * `TracingModule.forRoot()`, or nothing with `UNINSTRUMENTED=1`: then the library is never loaded,
 * and the app is the peer service that does not use it.
 */
export async function tracing(): Promise<DynamicModule[]> {
  if (process.env.UNINSTRUMENTED) return [];
  const { TracingModule } = await import('nestjs-tracing');
  return [TracingModule.forRoot()];
}

/**
 * For the cost ledger: `node --import ./bench/ablate.mjs --import nestjs-tracing/register …` with
 * `BENCH_ABLATE=part,part` loads the built library with those parts cut out, so each part's cost is
 * what the app saves without it, measured beside the whole in the same paired run. Each cut is a
 * text edit of one built file at load time, anchored on a line that must be found: when the library
 * changes under it, the run stops rather than measure something else. Parts with a switch of their
 * own (`TRACING_EXPORTER=none`, `OTEL_PROPAGATORS=none`, `OTEL_NODE_DISABLED_INSTRUMENTATIONS`, with
 * `pino` for the log lines' trace ids) need no cut.
 */
import { register } from 'node:module';

const parts = (process.env.BENCH_ABLATE ?? '')
  .split(',')
  .map((part) => part.trim())
  .filter(Boolean);
if (parts.length > 0) register('./ablate-hooks.mjs', import.meta.url, { data: { parts } });

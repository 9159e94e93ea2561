import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * What the library mirrors or replaces of the OpenTelemetry SDK, and the upstream version each was
 * last read against (see README.md here for why each exists). An upgrade that changes one of these
 * versions fails here until someone has re-read the upstream file, re-run the named tests and
 * written the new version below: a mirror must never drift unread.
 */
const MIRRORS: { file: string; upstream: string; checkedAgainst: string; via?: string }[] = [
  { file: 'sdk-replacements/tracing-sdk.ts', upstream: '@opentelemetry/sdk-node', checkedAgainst: '0.301.0' },
  { file: 'config/sdk-env.ts', upstream: '@opentelemetry/sdk-node', checkedAgainst: '0.301.0' },
  { file: 'sdk-replacements/batch-span-processor.ts', upstream: '@opentelemetry/sdk-trace', checkedAgainst: '3.1.1' },
  { file: 'sdk-replacements/instrumentation-tracer-provider.ts', upstream: '@opentelemetry/instrumentation', checkedAgainst: '0.300.0' },
  {
    file: 'sdk-replacements/require-filter.ts',
    upstream: 'require-in-the-middle',
    checkedAgainst: '8.0.1',
    via: '@opentelemetry/instrumentation',
  },
  { file: 'sdk-replacements/otlp/span-serializer.ts', upstream: '@opentelemetry/otlp-transformer', checkedAgainst: '0.301.1' },
  { file: 'sdk-replacements/zipkin/zipkin-exporter.ts', upstream: '@opentelemetry/exporter-zipkin', checkedAgainst: '3.1.0' },
  { file: 'http/http-server-span.ts', upstream: '@opentelemetry/instrumentation-http', checkedAgainst: '0.301.0' },
];

const SOURCE = resolve(import.meta.dirname ?? dirname(new URL(import.meta.url).pathname), '..');

/** The folder Node would load `name` from, looking up from `from` as `require` does. */
function packageFolder(name: string, from: string): string {
  for (let directory = from; ; directory = dirname(directory)) {
    const candidate = join(directory, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(directory) === directory) throw new Error(`${name} is not installed where ${from} would load it`);
  }
}

function installedVersion(name: string, via?: string): string {
  const from = via ? packageFolder(via, SOURCE) : SOURCE;
  return (JSON.parse(readFileSync(join(packageFolder(name, from), 'package.json'), 'utf8')) as { version: string }).version;
}

describe('what the library mirrors of the SDK', () => {
  it.each(MIRRORS)('$file was read against the installed $upstream', ({ file, upstream, checkedAgainst, via }) => {
    expect(existsSync(join(SOURCE, file))).toBe(true);
    expect({ file, upstream, installed: installedVersion(upstream, via) }).toEqual({ file, upstream, installed: checkedAgainst });
  });
});

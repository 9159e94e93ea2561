/** The module hooks of `ablate.mjs`: per part, the built file it edits and the edit. */
const CUTS = {
  // The span-derived metrics (traces, queries and calls by their spans).
  'span-metrics': { file: '/libs/tracing/dist/metrics/span-metrics.processor.js', find: '    onEnd(span) {', replace: '    onEnd(span) { return;' },
  // The request duration histogram observed per request.
  'request-metrics': {
    file: '/libs/tracing/dist/metrics/request-metrics.js',
    find: '    observe(request, response) {',
    replace: '    observe(request, response) { return;',
  },
  // The x-trace-id response header.
  header: {
    file: '/libs/tracing/dist/http/http-server-span.js',
    find: 'export function setTraceIdHeader(options, response, span) {',
    replace: 'export function setTraceIdHeader(options, response, span) { return;',
  },
  // Redaction of exported spans' attributes.
  redaction: {
    file: '/libs/tracing/dist/redaction/redacting-span-exporter.js',
    find: 'export function redactSpan(span, redactor) {',
    replace: 'export function redactSpan(span, redactor) { return span;',
  },
};

let cuts = [];

export function initialize({ parts }) {
  const unknown = parts.filter((part) => !CUTS[part]);
  if (unknown.length > 0) throw new Error(`BENCH_ABLATE: unknown part(s) ${unknown.join(', ')}; known: ${Object.keys(CUTS).join(', ')}`);
  cuts = parts.map((part) => ({ part, ...CUTS[part] }));
}

export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  const applying = cuts.filter((cut) => url.endsWith(cut.file));
  if (applying.length === 0) return result;
  let source = String(result.source);
  for (const cut of applying) {
    if (!source.includes(cut.find)) throw new Error(`BENCH_ABLATE=${cut.part}: "${cut.find}" is no longer in ${cut.file}`);
    source = source.replace(cut.find, cut.replace);
  }
  return { ...result, source };
}

import { el, formatDuration, formatTime, getJson, KIND_NAMES, serviceColour, valueText } from './dom.js';
import type { Attributes, StoredSpan, TraceDetail } from '../../src/explorer-api.js';
import { treeOrder } from './tree-order.js';

const POLL_MS = 2_000;

/** Rows drawn at first: a span may hold 150 000 attributes, which a table lays out in seconds. */
const SHOWN_ATTRIBUTES = 1_000;

function attributeTable(attributes: Attributes, testId?: string): HTMLElement {
  const entries = Object.entries(attributes);
  if (entries.length === 0) return el('p', { class: 'empty' }, 'none');
  const row = ([key, value]: [string, Attributes[string]]) => el('tr', {}, el('th', {}, key), el('td', {}, el('div', { class: 'value' }, valueText(value))));
  const table = el('table', { class: 'attributes', 'data-testid': testId }, entries.slice(0, SHOWN_ATTRIBUTES).map(row));
  if (entries.length <= SHOWN_ATTRIBUTES) return table;
  const more = el('button', { type: 'button', class: 'more', 'data-testid': 'more-attributes' }, `show the other ${entries.length - SHOWN_ATTRIBUTES}`);
  more.addEventListener('click', () => {
    table.append(el('tbody', {}, entries.slice(SHOWN_ATTRIBUTES).map(row)));
    more.remove();
  });
  return el('div', {}, table, more);
}

function details(span: StoredSpan, traceStartUs: number): HTMLElement {
  const exceptions = span.events.filter((event) => event.name === 'exception');
  return el(
    'div',
    { class: 'details', 'data-testid': 'span-details' },
    el('h3', {}, el('span', { class: 'service', style: `color: ${serviceColour(span.resource.serviceName)}` }, span.resource.serviceName), ' ', span.name),
    el(
      'dl',
      {},
      el('dt', {}, 'kind'),
      el('dd', {}, KIND_NAMES[span.kind] ?? 'unspecified'),
      el('dt', {}, 'duration'),
      el('dd', {}, formatDuration(span.durationUs)),
      el('dt', {}, 'starts at'),
      el('dd', {}, `+${formatDuration(span.startUs - traceStartUs)}`),
      el('dt', {}, 'status'),
      el(
        'dd',
        { class: span.status.code === 2 ? 'error-text' : '' },
        ['unset', 'ok', 'error'][span.status.code] ?? 'unset',
        span.status.message ? `: ${span.status.message}` : '',
      ),
      el('dt', {}, 'span id'),
      el('dd', { class: 'mono' }, span.spanId),
      el('dt', {}, 'parent'),
      el('dd', { class: 'mono' }, span.parentSpanId || '(root)'),
      el('dt', {}, 'scope'),
      el('dd', {}, `${span.scope.name} ${span.scope.version}`.trim()),
    ),
    exceptions.map((event) =>
      el(
        'div',
        { class: 'exception' },
        el('strong', {}, valueText(event.attributes['exception.type'] ?? 'exception'), ': ', valueText(event.attributes['exception.message'] ?? '')),
        event.attributes['exception.stacktrace'] ? el('pre', {}, valueText(event.attributes['exception.stacktrace'])) : null,
      ),
    ),
    el('h4', {}, 'Attributes'),
    attributeTable(span.attributes, 'span-attributes'),
    el('h4', {}, `Events (${span.events.length})`),
    span.events.map((event) =>
      el(
        'div',
        { class: 'event' },
        el('span', { class: 'mono' }, `+${formatDuration(event.timeUs - traceStartUs)} `),
        event.name,
        attributeTable(event.attributes),
      ),
    ),
    el('h4', {}, `Links (${span.links.length})`),
    span.links.map((link) =>
      el('div', { class: 'link' }, el('a', { href: `/trace/${link.traceId}` }, `${link.traceId} / ${link.spanId}`), attributeTable(link.attributes)),
    ),
    el('h4', {}, 'Resource'),
    attributeTable(span.resource.attributes),
  );
}

function severityClass(severityNumber: number): string {
  return severityNumber >= 17 ? 'error-text' : severityNumber >= 13 ? 'warn-text' : '';
}

/** A trace: the waterfall across services, the selected span's details, the trace's log lines. */
export function renderTrace(root: HTMLElement, traceId: string): void {
  let selected: string | undefined = new URLSearchParams(location.search).get('span') ?? undefined;
  let shown = '';

  const draw = (trace: TraceDetail) => {
    const rows = treeOrder(trace.spans);
    const start = trace.summary.startUs;
    const total = Math.max(trace.summary.durationUs, 1);
    const byId = new Map(trace.spans.map((span) => [span.spanId, span]));
    if (selected === undefined || !byId.has(selected)) selected = rows[0]?.span.spanId;

    const select = (spanId: string) => {
      selected = spanId;
      history.replaceState(null, '', `/trace/${traceId}?span=${spanId}`);
      draw(trace);
    };
    const waterfall = el(
      'div',
      { class: 'waterfall', 'data-testid': 'waterfall' },
      rows.map(({ span, depth, note }) => {
        const left = ((span.startUs - start) / total) * 100;
        const width = Math.max((span.durationUs / total) * 100, 0.3);
        const line = el(
          'div',
          {
            class: `span-row${span.spanId === selected ? ' selected' : ''}${span.status.code === 2 ? ' error' : ''}`,
            'data-testid': 'span-row',
            'data-span-id': span.spanId,
            'data-depth': String(depth),
            tabindex: '0',
          },
          el(
            'div',
            { class: 'label', style: `padding-left: ${depth * 14 + 4}px` },
            el('span', { class: 'service', style: `color: ${serviceColour(span.resource.serviceName)}` }, span.resource.serviceName),
            ' ',
            el('span', { class: 'name', 'data-testid': 'span-name' }, span.name),
            note ? el('span', { class: 'note', 'data-testid': 'span-note' }, ` (${note})`) : null,
          ),
          el(
            'div',
            { class: 'track' },
            el('div', { class: 'bar', style: `left: ${left}%; width: ${width}%; background: ${serviceColour(span.resource.serviceName)}` }),
            // Right of the bar, or left of it when the bar reaches the end of the track.
            el(
              'span',
              { class: 'bar-label', style: left + width > 80 ? `right: ${100 - left}%` : `left: ${left + width}%`, 'data-testid': 'span-duration' },
              formatDuration(span.durationUs),
            ),
          ),
        );
        line.addEventListener('click', () => select(span.spanId));
        line.addEventListener('keydown', (event) => {
          if (event.key === 'Enter') select(span.spanId);
        });
        return line;
      }),
    );
    const logs = el(
      'div',
      { class: 'logs', 'data-testid': 'logs' },
      el('h3', {}, `Log lines (${trace.logs.length})`),
      trace.logs.length === 0 ? el('p', { class: 'empty' }, 'No log lines for this trace. Apps send them to /v1/logs over OTLP.') : null,
      trace.logs.map((log) => {
        const line = el(
          'div',
          { class: `log-line${log.spanId === selected ? ' selected' : ''}`, 'data-testid': 'log-line' },
          el('span', { class: 'mono' }, `+${formatDuration(log.timeUs - start)}`),
          el('span', { class: `severity ${severityClass(log.severityNumber)}` }, log.severityText || String(log.severityNumber)),
          el('span', { class: 'service', style: `color: ${serviceColour(log.resource.serviceName)}` }, log.resource.serviceName),
          el('span', { class: 'body' }, log.body),
        );
        if (byId.has(log.spanId)) line.addEventListener('click', () => select(log.spanId));
        return line;
      }),
    );
    const summary = trace.summary;
    root.replaceChildren(
      el(
        'div',
        { class: 'trace-header' },
        el('h2', {}, el('span', { class: 'service', style: `color: ${serviceColour(summary.rootService)}` }, summary.rootService), ' ', summary.rootName),
        el(
          'p',
          { class: 'meta' },
          el('span', { class: 'mono', 'data-testid': 'trace-id' }, summary.traceId),
          ` · ${formatTime(summary.startUs)} · ${formatDuration(summary.durationUs)} · ${summary.spanCount} spans · ${summary.services.map((service) => service.name).join(', ')}`,
          summary.errorCount > 0 ? el('span', { class: 'error-text' }, ` · ${summary.errorCount} error(s)`) : null,
        ),
      ),
      el('div', { class: 'trace-body' }, el('div', { class: 'left' }, waterfall, logs), selected ? details(byId.get(selected)!, start) : el('div')),
    );
  };

  const refresh = async () => {
    try {
      const trace = await getJson<TraceDetail>(`/api/explorer/traces/${encodeURIComponent(traceId)}`);
      const fingerprint = `${trace.spans.length}/${trace.logs.length}`;
      if (fingerprint === shown) return;
      shown = fingerprint;
      draw(trace);
    } catch (error) {
      if (shown === '') root.replaceChildren(el('p', { class: 'message' }, `Trace ${traceId}: ${(error as Error).message}`));
    }
  };
  void refresh();
  // Spans of other services and log lines arrive after the root; the page follows them.
  setInterval(() => {
    if (document.visibilityState === 'visible') void refresh();
  }, POLL_MS);
}

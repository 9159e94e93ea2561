import { el, getJson } from './dom.js';
import type { Attributes, PageSpan, TraceDetail } from '../../src/explorer-api.js';
import { counted, formatDuration, formatTime, serviceColour, valueText } from './format.js';
import { treeOrder, type TreeRow } from './tree-order.js';
import { barPlacement, timeTicks } from './waterfall-layout.js';

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

function details(span: PageSpan, traceStartUs: number): HTMLElement {
  const exceptions = span.events.filter((event) => event.name === 'exception');
  return el(
    'div',
    { class: 'details', 'data-testid': 'span-details' },
    el('h3', {}, el('span', { class: 'service', style: `color: ${serviceColour(span.resource.serviceName)}` }, span.resource.serviceName), ' ', span.name),
    el(
      'dl',
      {},
      el('dt', {}, 'kind'),
      el('dd', {}, span.kind),
      el('dt', {}, 'duration'),
      el('dd', {}, formatDuration(span.durationUs)),
      el('dt', {}, 'starts at'),
      el('dd', {}, `+${formatDuration(span.startUs - traceStartUs)}`),
      el('dt', {}, 'status'),
      el('dd', { class: span.status.code === 'error' ? 'error-text' : '' }, span.status.code, span.status.message ? `: ${span.status.message}` : ''),
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

/** The row over the waterfall: offsets from the trace's start at round values. */
function timeAxis(totalUs: number): HTMLElement {
  return el(
    'div',
    { class: 'time-axis', 'data-testid': 'time-axis' },
    el('div', { class: 'label' }, 'service · span · kind'),
    el(
      'div',
      { class: 'track' },
      timeTicks(totalUs).map(({ atPercent, offsetUs }) =>
        el('span', { class: 'tick', style: `left: ${atPercent}%`, 'data-testid': 'tick' }, formatDuration(offsetUs)),
      ),
    ),
  );
}

/** One span: its place in the tree, its kind, its bar; the full label on hover where it is cut. */
function spanRow({ span, depth, note }: TreeRow<PageSpan>, traceStartUs: number, traceDurationUs: number, selected: boolean): HTMLElement {
  const bar = barPlacement(span, traceStartUs, traceDurationUs);
  const colour = serviceColour(span.resource.serviceName);
  return el(
    'div',
    {
      class: `span-row${selected ? ' selected' : ''}${span.status.code === 'error' ? ' error' : ''}`,
      'data-testid': 'span-row',
      'data-span-id': span.spanId,
      'data-depth': String(depth),
      tabindex: '0',
    },
    el(
      'div',
      {
        class: 'label',
        style: `padding-left: ${depth * 14 + 4}px`,
        title: `${span.resource.serviceName} ${span.name} (${span.kind})${note ? `, ${note}` : ''}`,
      },
      el('span', { class: 'service', style: `color: ${colour}` }, span.resource.serviceName),
      ' ',
      el('span', { class: 'name', 'data-testid': 'span-name' }, span.name),
      note ? el('span', { class: 'note', 'data-testid': 'span-note' }, ` (${note})`) : null,
    ),
    el('span', { class: `kind kind-${span.kind}`, 'data-testid': 'span-kind' }, span.kind),
    el(
      'div',
      { class: 'track' },
      el('div', { class: 'bar', style: `left: ${bar.leftPercent}%; width: ${bar.widthPercent}%; background: ${colour}` }),
      el(
        'span',
        {
          class: `bar-label${bar.labelSide === 'inside' ? ' inside' : ''}`,
          style: bar.labelSide === 'right' ? `left: ${bar.leftPercent + bar.widthPercent}%` : `right: ${bar.labelSide === 'left' ? 100 - bar.leftPercent : 0}%`,
          'data-testid': 'span-duration',
        },
        formatDuration(span.durationUs),
      ),
    ),
  );
}

/** A trace: the waterfall across services, the selected span's details, the trace's log lines. */
export function renderTrace(root: HTMLElement, traceId: string): void {
  let selected: string | undefined = new URLSearchParams(location.search).get('span') ?? undefined;
  let shown = '';

  const draw = (trace: TraceDetail) => {
    const rows = treeOrder(trace.spans);
    const start = trace.summary.startUs;
    const total = trace.summary.durationUs;
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
      timeAxis(total),
      rows.map((row) => {
        const line = spanRow(row, start, total, row.span.spanId === selected);
        line.addEventListener('click', () => select(row.span.spanId));
        line.addEventListener('keydown', (event) => {
          if (event.key === 'Enter') select(row.span.spanId);
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
          ` · ${formatTime(summary.startUs)} · ${formatDuration(summary.durationUs)} · ${counted(summary.spanCount, 'span')} · ${summary.services.map((service) => service.name).join(', ')}`,
          summary.errorCount > 0 ? el('span', { class: 'error-text' }, ` · ${counted(summary.errorCount, 'error')}`) : null,
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

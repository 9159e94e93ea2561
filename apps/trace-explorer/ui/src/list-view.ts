import { el, getJson, replaceChildren } from './dom.js';
import { counted, formatDuration, formatTime, serviceColour } from './format.js';
import type { StoreStats, TraceList, TraceSummary } from '../../src/explorer-api.js';

interface ServiceOperations {
  name: string;
  operations: string[];
}

const FILTERS = ['service', 'operation', 'errors', 'minMs', 'maxMs', 'attr', 'traceId'] as const;
const POLL_MS = 1_000;

function statsLine(stats: StoreStats): string {
  const evicted = stats.evicted.traces > 0 ? ` · ${stats.evicted.traces} oldest evicted (memory budget)` : '';
  return `${counted(stats.traces, 'trace')} · ${counted(stats.spans, 'span')} · ${counted(stats.logs, 'log line')}${evicted}`;
}

function row(trace: TraceSummary): HTMLElement {
  return el(
    'a',
    { class: `trace-row${trace.errorCount > 0 ? ' error' : ''}`, href: `/trace/${trace.traceId}`, 'data-testid': 'trace-row', 'data-trace-id': trace.traceId },
    el('span', { class: 'time' }, formatTime(trace.startUs)),
    el(
      'span',
      { class: 'root' },
      el('span', { class: 'service', style: `color: ${serviceColour(trace.rootService)}` }, trace.rootService),
      ' ',
      trace.rootName,
      trace.rootOperation ? el('span', { class: 'operation', 'data-testid': 'root-operation' }, ` · ${trace.rootOperation}`) : null,
      trace.rootMissing ? el('span', { class: 'note' }, ' (root not received)') : null,
    ),
    el('span', { class: 'duration' }, formatDuration(trace.durationUs)),
    el('span', { class: 'count' }, counted(trace.spanCount, 'span')),
    el('span', { class: 'errors', 'data-testid': 'error-mark' }, trace.errorCount > 0 ? `⚠ ${counted(trace.errorCount, 'error')}` : ''),
    el(
      'span',
      { class: 'services' },
      trace.services.map((service) => el('span', { class: 'chip', style: `border-color: ${serviceColour(service.name)}` }, `${service.name} ${service.spans}`)),
    ),
  );
}

/** The trace list: filters kept in the address (so a search can be shared) and live updates. */
export function renderList(root: HTMLElement, statusLine: HTMLElement): void {
  const params = new URLSearchParams(location.search);
  const input = (name: string, placeholder: string, width = '9em', list?: string) =>
    el('input', { name, placeholder, value: params.get(name) ?? '', style: `width: ${width}`, list, 'data-testid': `filter-${name}` });
  // Suggestions for the service and operation fields, from what has arrived.
  const serviceNames = el('datalist', { id: 'service-names' });
  const operationNames = el('datalist', { id: 'operation-names' });
  const errors = el('input', { type: 'checkbox', name: 'errors', 'data-testid': 'filter-errors' });
  errors.checked = params.get('errors') === 'true';
  const live = el('input', { type: 'checkbox', 'data-testid': 'live' });
  live.checked = true;
  const form = el(
    'form',
    { class: 'filters' },
    input('service', 'service', '9em', 'service-names'),
    input('operation', 'operation', '12em', 'operation-names'),
    el('label', {}, errors, ' errors only'),
    input('minMs', 'min ms', '5em'),
    input('maxMs', 'max ms', '5em'),
    input('attr', 'attribute key=value', '16em'),
    input('traceId', 'trace id', '12em'),
    el('button', { type: 'submit' }, 'Search'),
    el('label', { class: 'live' }, live, ' live'),
  );
  const list = el('div', { class: 'trace-list', 'data-testid': 'trace-list' });
  const message = el('p', { class: 'message' });
  root.replaceChildren(form, serviceNames, operationNames, message, list);
  const suggest = async () => {
    const services = await getJson<ServiceOperations[]>('/api/explorer/services').catch(() => []);
    const chosen = (form.elements.namedItem('service') as HTMLInputElement).value.trim();
    const operations = new Set(services.filter((service) => !chosen || service.name === chosen).flatMap((service) => service.operations));
    replaceChildren(
      serviceNames,
      services.map((service) => el('option', { value: service.name })),
    );
    replaceChildren(
      operationNames,
      [...operations].sort().map((operation) => el('option', { value: operation })),
    );
  };

  let shownVersion = -1;
  let query = '';
  const readForm = () => {
    const next = new URLSearchParams();
    for (const name of FILTERS) {
      const field = form.elements.namedItem(name) as HTMLInputElement;
      const value = name === 'errors' ? (field.checked ? 'true' : '') : field.value.trim();
      if (value) next.set(name, value);
    }
    query = next.toString();
    history.replaceState(null, '', query ? `/?${query}` : '/');
    shownVersion = -1;
  };
  readForm();

  const refresh = async () => {
    try {
      const asked = query;
      const result = await getJson<TraceList>(`/api/explorer/traces${asked ? `?${asked}` : ''}`);
      // An answer to a search since replaced (the filters changed while it was on its way) is not shown.
      if (asked !== query) return;
      statusLine.textContent = statsLine(result.stats);
      message.textContent = '';
      if (result.version === shownVersion) return;
      shownVersion = result.version;
      replaceChildren(
        list,
        result.traces.length > 0 ? result.traces.map(row) : [el('p', { class: 'empty' }, 'No traces match. Send some: set OTLP_ENDPOINT to this address.')],
      );
    } catch (error) {
      message.textContent = `Cannot list traces: ${(error as Error).message}`;
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    readForm();
    void refresh();
  });
  (form.elements.namedItem('service') as HTMLInputElement).addEventListener('change', () => void suggest());
  form.addEventListener('focusin', () => void suggest());
  errors.addEventListener('change', () => form.requestSubmit());
  void refresh();
  setInterval(() => {
    if (live.checked && document.visibilityState === 'visible') void refresh();
  }, POLL_MS);
}

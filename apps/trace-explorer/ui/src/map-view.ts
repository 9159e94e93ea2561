import { el, formatDuration, getJson, serviceColour, svg } from './dom.js';
import type { ServiceMap } from '../../src/explorer-api.js';

const COLUMN_WIDTH = 400;
const ROW_HEIGHT = 110;
const NODE_WIDTH = 170;
const NODE_HEIGHT = 44;

/** Columns by call depth: callers left of what they call; a node called from several depths goes right of the deepest. */
function columns(map: ServiceMap): Map<string, number> {
  const column = new Map(map.nodes.map((node) => [node.id, 0]));
  for (let pass = 0; pass < map.nodes.length; pass++) {
    let changed = false;
    for (const edge of map.edges) {
      const next = (column.get(edge.from) ?? 0) + 1;
      if (next > (column.get(edge.to) ?? 0) && next < map.nodes.length) {
        column.set(edge.to, next);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return column;
}

/** Services, databases and external peers, with an edge per caller and callee: calls, error share, p95. */
export async function renderMap(root: HTMLElement): Promise<void> {
  const map = await getJson<ServiceMap>('/api/explorer/map');
  if (map.nodes.length === 0) {
    root.replaceChildren(el('p', { class: 'empty' }, 'No spans yet.'));
    return;
  }
  const column = columns(map);
  const rowsUsed = new Map<number, number>();
  const position = new Map<string, { x: number; y: number }>();
  for (const node of map.nodes) {
    const x = (column.get(node.id) ?? 0) * COLUMN_WIDTH + 20;
    const row = rowsUsed.get(x) ?? 0;
    rowsUsed.set(x, row + 1);
    position.set(node.id, { x, y: row * ROW_HEIGHT + 20 });
  }
  let right = 0;
  let bottom = 0;
  for (const point of position.values()) {
    right = Math.max(right, point.x);
    bottom = Math.max(bottom, point.y);
  }
  const width = right + NODE_WIDTH + 40;
  const height = bottom + NODE_HEIGHT + 40;
  const drawing = svg(
    'svg',
    { width, height, viewBox: `0 0 ${width} ${height}`, 'data-testid': 'service-map' },
    svg(
      'defs',
      {},
      svg(
        'marker',
        { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto' },
        svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#888' }),
      ),
    ),
    map.edges.map((edge) => {
      const from = position.get(edge.from)!;
      const to = position.get(edge.to)!;
      const [x1, y1, x2, y2] = [from.x + NODE_WIDTH, from.y + NODE_HEIGHT / 2, to.x, to.y + NODE_HEIGHT / 2];
      const errorShare = edge.calls > 0 ? (edge.errors / edge.calls) * 100 : 0;
      // The label sits nearer the callee, where edges from one caller have fanned out.
      const [labelX, labelY] = [x1 + (x2 - x1) * 0.6, y1 + (y2 - y1) * 0.6 - 6];
      return svg(
        'g',
        { class: `edge${edge.errors > 0 ? ' error' : ''}`, 'data-testid': 'map-edge' },
        svg('line', { x1, y1, x2, y2, 'marker-end': 'url(#arrow)' }),
        svg(
          'text',
          { x: labelX, y: labelY, 'text-anchor': 'middle' },
          `${edge.calls} call${edge.calls === 1 ? '' : 's'} · ${errorShare.toFixed(errorShare > 0 && errorShare < 1 ? 1 : 0)}% errors · p95 ${formatDuration(edge.p95Us)}`,
        ),
      );
    }),
    map.nodes.map((node) => {
      const { x, y } = position.get(node.id)!;
      return svg(
        'g',
        { class: `node ${node.kind}`, 'data-testid': 'map-node' },
        svg('rect', {
          x,
          y,
          width: NODE_WIDTH,
          height: NODE_HEIGHT,
          rx: node.kind === 'database' ? 14 : 4,
          stroke: node.kind === 'service' ? serviceColour(node.name) : '#888',
        }),
        svg(
          'text',
          { x: x + NODE_WIDTH / 2, y: y + 19, 'text-anchor': 'middle', class: 'node-name' },
          node.name.length > 24 ? `${node.name.slice(0, 23)}…` : node.name,
        ),
        svg('text', { x: x + NODE_WIDTH / 2, y: y + 35, 'text-anchor': 'middle', class: 'node-kind' }, node.kind),
      );
    }),
  );
  root.replaceChildren(el('div', { class: 'map' }, drawing));
}

import { el, getJson, svg } from './dom.js';
import { counted, formatDuration, serviceColour } from './format.js';
import { edgeRoutes, mapLayout, NODE_HEIGHT, NODE_WIDTH } from './map-layout.js';
import type { ServiceMap } from '../../src/explorer-api.js';

/** Services, databases and external peers, with an edge per caller and callee: calls, error share, p95. */
export async function renderMap(root: HTMLElement): Promise<void> {
  const map = await getJson<ServiceMap>('/api/explorer/map');
  if (map.nodes.length === 0) {
    root.replaceChildren(el('p', { class: 'empty' }, 'No spans yet.'));
    return;
  }
  const position = mapLayout(map);
  let right = 0;
  let bottom = 0;
  for (const point of position.values()) {
    right = Math.max(right, point.x);
    bottom = Math.max(bottom, point.y);
  }
  const routes = edgeRoutes(map, position);
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
    // Lines first, then every label over them: a label is never crossed by a line drawn after it.
    routes.map(({ edge, points }) =>
      svg(
        'g',
        { class: `edge${edge.errors > 0 ? ' error' : ''}`, 'data-testid': 'map-edge' },
        svg('polyline', { points: points.map((point) => point.join(',')).join(' '), 'marker-end': 'url(#arrow)' }),
      ),
    ),
    routes.map(({ edge, label }) => {
      const errorShare = edge.calls > 0 ? (edge.errors / edge.calls) * 100 : 0;
      return svg(
        'text',
        { x: label.x, y: label.y, 'text-anchor': 'end', class: `edge-label${edge.errors > 0 ? ' error' : ''}`, 'data-testid': 'map-edge-label' },
        `${counted(edge.calls, 'call')} · ${errorShare.toFixed(errorShare > 0 && errorShare < 1 ? 1 : 0)}% errors · p95 ${formatDuration(edge.p95Us)}`,
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

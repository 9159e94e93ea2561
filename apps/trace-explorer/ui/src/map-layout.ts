import type { ServiceMap, ServiceMapEdge } from '../../src/explorer-api.js';

/** Wide enough for an edge's label between the callers' vertical runs and the callee. */
export const COLUMN_WIDTH = 430;
export const ROW_HEIGHT = 110;
export const NODE_WIDTH = 170;
export const NODE_HEIGHT = 44;
const MARGIN = 20;
/** How far right of its caller an edge turns down or up, and how far apart the turns of different callers' edges are. */
const TURN = 12;
const TURN_SPREAD = 6;
/** The height of one edge label, for stacking the labels of edges into one node. */
const LABEL_LINE = 14;

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

/**
 * The top-left corner of each node. In the first column the nodes that call the most come first
 * (a service that calls nothing goes last); in the others each node sits in the order of the
 * average row of its callers, so edges fan out instead of crossing.
 */
export function mapLayout(map: ServiceMap): Map<string, { x: number; y: number }> {
  const column = columns(map);
  const degree = new Map<string, number>();
  for (const edge of map.edges) {
    degree.set(edge.from, (degree.get(edge.from) ?? 0) + 1);
    degree.set(edge.to, (degree.get(edge.to) ?? 0) + 1);
  }
  const row = new Map<string, number>();
  const lastColumn = Math.max(0, ...column.values());
  for (let index = 0; index <= lastColumn; index++) {
    const here = map.nodes.filter((node) => column.get(node.id) === index);
    const callerRow = (id: string) => {
      const rows = map.edges.filter((edge) => edge.to === id && row.has(edge.from)).map((edge) => row.get(edge.from)!);
      return rows.length > 0 ? rows.reduce((sum, value) => sum + value, 0) / rows.length : Number.POSITIVE_INFINITY;
    };
    const key = (id: string) => (index === 0 ? -(degree.get(id) ?? 0) : callerRow(id));
    here.sort((a, b) => key(a.id) - key(b.id) || a.name.localeCompare(b.name));
    here.forEach((node, position) => row.set(node.id, position));
  }
  return new Map(map.nodes.map((node) => [node.id, { x: column.get(node.id)! * COLUMN_WIDTH + MARGIN, y: row.get(node.id)! * ROW_HEIGHT + MARGIN }]));
}

export interface EdgeRoute {
  edge: ServiceMapEdge;
  /** The polyline: out of the caller's right side, along its row, turn, along the callee's row into its left side. */
  points: [number, number][];
  /** Where the label ends (it is right-aligned), over the route's last run, short of the arrowhead. */
  label: { x: number; y: number };
}

/**
 * Each edge as a right-angled route. Its last run lies along the callee's row, where no other
 * callee's edge goes, so the label above it is clear of every line; labels of edges into one node
 * are stacked.
 */
export function edgeRoutes(map: ServiceMap, position: Map<string, { x: number; y: number }>): EdgeRoute[] {
  const incoming = new Map<string, number>();
  return map.edges.map((edge) => {
    const from = position.get(edge.from)!;
    const to = position.get(edge.to)!;
    const [x1, y1, x2, y2] = [from.x + NODE_WIDTH, from.y + NODE_HEIGHT / 2, to.x, to.y + NODE_HEIGHT / 2];
    const stacked = incoming.get(edge.to) ?? 0;
    incoming.set(edge.to, stacked + 1);
    const turn = x1 + TURN + (((from.y - MARGIN) / ROW_HEIGHT) % 4) * TURN_SPREAD;
    const points: [number, number][] =
      y1 === y2
        ? [
            [x1, y1],
            [x2, y2],
          ]
        : [
            [x1, y1],
            [turn, y1],
            [turn, y2],
            [x2, y2],
          ];
    return { edge, points, label: { x: x2 - 10, y: y2 - 6 - stacked * LABEL_LINE } };
  });
}

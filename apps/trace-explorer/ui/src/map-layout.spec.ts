import type { ServiceMap, ServiceMapNode } from '../../src/explorer-api.js';
import { COLUMN_WIDTH, edgeRoutes, mapLayout, ROW_HEIGHT } from './map-layout.js';

const node = (name: string, kind: ServiceMapNode['kind'] = 'service'): ServiceMapNode => ({ id: name, name, kind });
const edge = (from: string, to: string) => ({ from, to, calls: 1, errors: 0, p95Us: 1 });
const placed = (map: ServiceMap) => Object.fromEntries([...mapLayout(map)].map(([id, { x, y }]) => [id, [(x - 20) / COLUMN_WIDTH, (y - 20) / ROW_HEIGHT]]));

describe('mapLayout', () => {
  it('puts callers left of what they call, the busiest caller first, idle services last', () => {
    const map = {
      nodes: [node('idle'), node('web'), node('api'), node('postgresql', 'database')],
      edges: [edge('web', 'api'), edge('api', 'postgresql')],
    };
    expect(placed(map)).toEqual({ web: [0, 0], idle: [0, 1], api: [1, 0], postgresql: [2, 0] });
  });

  it("orders a column by its callers' rows, so edges fan out without crossing", () => {
    const map = {
      nodes: [node('b'), node('a'), node('redis', 'database'), node('mail')],
      edges: [edge('a', 'mail'), edge('a', 'redis'), edge('b', 'redis'), edge('a', 'b')],
    };
    // a calls the most: first. b is called by a, so it is one column right, with the callees beside it.
    const layout = placed(map);
    expect(layout.a).toEqual([0, 0]);
    expect(layout.b).toEqual([1, 0]);
    expect(layout.mail).toEqual([1, 1]);
    expect(layout.redis).toEqual([2, 0]);
  });

  it('keeps a node in a call cycle in a column of its own', () => {
    const map = { nodes: [node('a'), node('b')], edges: [edge('a', 'b'), edge('b', 'a')] };
    expect(Object.keys(placed(map)).sort()).toEqual(['a', 'b']);
  });
});

describe('edgeRoutes', () => {
  const map = {
    nodes: [node('api'), node('postgresql', 'database'), node('redis', 'database'), node('web')],
    edges: [edge('api', 'postgresql'), edge('api', 'redis'), edge('web', 'redis')],
  };
  const routes = edgeRoutes(map, mapLayout(map));

  it('runs straight along a shared row and turns once between rows, ending on the callee', () => {
    const [straight, turning] = routes;
    expect(straight.points).toHaveLength(2);
    expect(turning.points).toHaveLength(4);
    const [[x1, y1], [turnX, turnY], [, downY], [x2, y2]] = turning.points;
    expect([turnY, downY]).toEqual([y1, y2]);
    expect(turnX).toBeGreaterThan(x1);
    expect(turnX).toBeLessThan(x2);
  });

  it('puts a label over its last run, right of every turn, and stacks the labels into one node', () => {
    for (const route of routes) {
      const [endX, endY] = route.points.at(-1)!;
      expect(route.label.x).toBeLessThan(endX);
      expect(route.label.y).toBeLessThan(endY);
      // 190 px of label fit between the latest turn and the arrowhead.
      const turns = routes.flatMap((other) => other.points.slice(1, -1).map(([x]) => x));
      expect(route.label.x - 190).toBeGreaterThan(Math.max(...turns));
    }
    const intoRedis = routes.filter((route) => route.edge.to === 'redis').map((route) => route.label.y);
    expect(new Set(intoRedis).size).toBe(2);
  });
});

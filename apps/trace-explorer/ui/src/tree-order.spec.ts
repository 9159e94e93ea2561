import { treeOrder, type TreeSpan } from './tree-order.js';

const span = (spanId: string, parentSpanId = '', startUs = 0) => ({ spanId, parentSpanId, startUs }) satisfies TreeSpan;
const drawn = (spans: TreeSpan[]) => treeOrder(spans).map(({ span: { spanId }, depth, note }) => `${'  '.repeat(depth)}${spanId}${note ? ` (${note})` : ''}`);

describe('treeOrder', () => {
  it('puts each parent before its children, siblings by start, orphans at the top', () => {
    expect(drawn([span('c', 'a', 3), span('a', '', 1), span('b', 'a', 2), span('o', 'missing', 0)])).toEqual(['o', 'a', '  b', '  c']);
  });

  it('draws every span of a parent cycle, from the earliest, marked', () => {
    expect(drawn([span('a', 'c', 1), span('b', 'a', 2), span('c', 'b', 3)])).toEqual(['a (cycle)', '  b', '    c']);
  });

  it('draws a span that is its own parent, marked, and its children under it', () => {
    expect(drawn([span('a', 'a', 1), span('b', 'a', 2)])).toEqual(['a (own parent)', '  b']);
  });

  it('draws both spans of a duplicate id, the second marked', () => {
    expect(drawn([span('r', '', 0), span('a', 'r', 1), span('a', 'r', 2), span('b', 'a', 3)])).toEqual(['r', '  a', '    b', '  a (duplicate id)']);
  });

  it('walks a chain of 100 000 spans without recursion', () => {
    const chain = Array.from({ length: 100_000 }, (_, index) => span(`s${index}`, index === 0 ? '' : `s${index - 1}`, index));
    const rows = treeOrder(chain);
    expect(rows).toHaveLength(100_000);
    expect(rows.at(-1)!.depth).toBe(99_999);
  });
});

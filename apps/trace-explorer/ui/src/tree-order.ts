import type { StoredSpan } from '../../src/explorer-api.js';

/** What is odd about a span's place in the tree, shown beside it as Jaeger UI does. */
export type TreeNote = 'cycle' | 'own parent' | 'duplicate id';

export interface TreeRow {
  span: StoredSpan;
  depth: number;
  note?: TreeNote;
}

const byStart = (a: StoredSpan, b: StoredSpan) => a.startUs - b.startUs;

/**
 * Spans in tree order: each parent before its children, siblings by start time, orphans at the top
 * level. Every span is drawn once whatever the input: a span that is its own parent, or whose
 * parents form a cycle, starts a tree of its own with a note; a second span with an id already seen
 * is drawn where its parent puts it, with a note, and the first takes the children. Walked with a
 * stack, not recursion: a chain of 100 000 spans is as safe as a flat trace.
 */
export function treeOrder(spans: readonly StoredSpan[]): TreeRow[] {
  const first = new Map<string, StoredSpan>();
  const notes = new Map<StoredSpan, TreeNote>();
  for (const span of spans) {
    if (first.has(span.spanId)) notes.set(span, 'duplicate id');
    else first.set(span.spanId, span);
  }
  const children = new Map<StoredSpan, StoredSpan[]>();
  const roots: StoredSpan[] = [];
  for (const span of spans) {
    const parent = span.parentSpanId ? first.get(span.parentSpanId) : undefined;
    if (span.parentSpanId === span.spanId) {
      notes.set(span, 'own parent');
      roots.push(span);
    } else if (parent) {
      const siblings = children.get(parent);
      if (siblings) siblings.push(span);
      else children.set(parent, [span]);
    } else roots.push(span);
  }
  const rows: TreeRow[] = [];
  const drawn = new Set<StoredSpan>();
  const walk = (root: StoredSpan) => {
    const stack: { span: StoredSpan; depth: number }[] = [{ span: root, depth: 0 }];
    while (stack.length > 0) {
      const { span, depth } = stack.pop()!;
      if (drawn.has(span)) continue;
      drawn.add(span);
      rows.push({ span, depth, note: notes.get(span) });
      const below = (children.get(span) ?? []).sort(byStart);
      for (let index = below.length - 1; index >= 0; index--) stack.push({ span: below[index], depth: depth + 1 });
    }
  };
  for (const root of roots.sort(byStart)) walk(root);
  // What no root reaches hangs in a parent cycle: each cycle is drawn from its earliest span.
  for (const span of spans.filter((candidate) => !drawn.has(candidate)).sort(byStart)) {
    if (drawn.has(span)) continue;
    notes.set(span, 'cycle');
    walk(span);
  }
  return rows;
}

/** What is odd about a span's place in the tree, shown beside it as Jaeger UI does. */
export type TreeNote = 'cycle' | 'own parent' | 'duplicate id';

/** What the tree needs of a span. */
export interface TreeSpan {
  spanId: string;
  /** Empty for a root. */
  parentSpanId: string;
  startUs: number;
}

export interface TreeRow<S extends TreeSpan> {
  span: S;
  depth: number;
  note?: TreeNote;
}

const byStart = (a: TreeSpan, b: TreeSpan) => a.startUs - b.startUs;

/**
 * Spans in tree order: each parent before its children, siblings by start time, orphans at the top
 * level. Every span is drawn once whatever the input: a span that is its own parent, or whose
 * parents form a cycle, starts a tree of its own with a note; a second span with an id already seen
 * is drawn where its parent puts it, with a note, and the first takes the children. Walked with a
 * stack, not recursion: a chain of 100 000 spans is as safe as a flat trace.
 */
export function treeOrder<S extends TreeSpan>(spans: readonly S[]): TreeRow<S>[] {
  const first = new Map<string, S>();
  const notes = new Map<S, TreeNote>();
  for (const span of spans) {
    if (first.has(span.spanId)) notes.set(span, 'duplicate id');
    else first.set(span.spanId, span);
  }
  const children = new Map<S, S[]>();
  const roots: S[] = [];
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
  const rows: TreeRow<S>[] = [];
  const drawn = new Set<S>();
  const walk = (root: S) => {
    const stack: { span: S; depth: number }[] = [{ span: root, depth: 0 }];
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

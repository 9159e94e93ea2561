type Leaf = Node | string | number | null | undefined | false;
/**
 * A child, or a list of them: lists are passed as they are, never spread into the call, since a
 * span can hold 150 000 attributes and a call's arguments live on the stack.
 */
type Child = Leaf | readonly Leaf[];

/**
 * Builds an element. Children that are strings become text nodes and attributes are set one by
 * one, never parsed as HTML: whatever a span holds (`<script>`, markup, megabytes) shows as text.
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    // Through the CSSOM: the page's content security policy refuses style attributes in markup.
    if (name === 'style') element.style.cssText = value;
    else element.setAttribute(name, value);
  }
  append(element, children);
  return element;
}

const SVG = 'http://www.w3.org/2000/svg';

export function svg(tag: string, attributes: Record<string, string | number> = {}, ...children: Child[]): SVGElement {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  append(element, children);
  return element;
}

function append(parent: Element, children: readonly Child[]): void {
  for (const child of children) {
    if (Array.isArray(child)) for (const leaf of child as readonly Leaf[]) appendLeaf(parent, leaf);
    else appendLeaf(parent, child as Leaf);
  }
}

function appendLeaf(parent: Element, child: Leaf): void {
  if (child === null || child === undefined || child === false) return;
  parent.append(typeof child === 'number' ? String(child) : child);
}

/** `parent.replaceChildren(...children)` without spreading a list of any length into the call. */
export function replaceChildren(parent: Element, children: readonly Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

export async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    throw new Error(body.message ?? `${response.status} ${response.statusText}`);
  }
  return (await response.json()) as T;
}

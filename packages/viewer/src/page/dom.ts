/// <reference lib="dom" />
// Small DOM helpers of the page: element lookup and the message area.

export function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page has no element #${id}; index.html and main.js are from different exports`);
  return el as T;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Text with `backticks` shown as code. Messages are built from the page's own
 * strings and error texts, never as HTML.
 */
export function richText(parent: HTMLElement, text: string): void {
  parent.textContent = '';
  text.split(/(`[^`]+`)/).forEach((part) => {
    if (part.startsWith('`') && part.endsWith('`') && part.length > 1) parent.append(el('code', {}, part.slice(1, -1)));
    else if (part !== '') parent.append(document.createTextNode(part));
  });
}

/** Adds a message to the page's message area (errors stay until the page reloads). */
export function showMessage(kind: 'error' | 'info', text: string, key?: string): HTMLElement {
  const area = document.getElementById('messages') ?? document.body;
  if (key !== undefined) {
    const old = area.querySelector(`[data-key="${key}"]`);
    if (old !== null) old.remove();
  }
  const p = el('p', { class: `message ${kind}` });
  if (key !== undefined) p.dataset.key = key;
  richText(p, text);
  area.append(p);
  return p;
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

// A tiny DOM builder: h("p", {class: "x"}, "text", child). Text is always set as text,
// never as HTML, so nothing from the server is ever parsed as markup here.

export type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (value === true) {
      el.setAttribute(key, "");
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
}

/** A value from the server, as a person reads it: strings bare, the rest as JSON. */
export function show(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "unknown";
  if (typeof value === "object" && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [op, operand] = entries[0];
      const words: Record<string, string> = { one_of: "one of", none_of: "none of" };
      if (op in words) return `${words[op]} ${(operand as unknown[]).map(show).join(", ")}`;
      return `${op} ${show(operand)}`;
    }
  }
  if (Array.isArray(value)) return value.map(show).join(", ");
  return JSON.stringify(value);
}

/** "fact = value", or "fact >= 1", "fact is one of a, b" when the value is a condition. */
export function factIs(fact: string, value: unknown): Child[] {
  const name = h("code", {}, fact);
  if (typeof value === "string" && /^(<|>|<=|>=|!=)\s/.test(value)) return [name, " ", value];
  if (Array.isArray(value)) return [name, " is one of ", value.map(show).join(", ")];
  if (typeof value === "object" && value !== null) {
    const [op] = Object.keys(value);
    if (op && /^(<|>|<=|>=|!=)$/.test(op)) return [name, " ", show(value)];
    return [name, " is ", show(value)];
  }
  return [name, " = ", show(value)];
}

/** Calls `fn` once `ms` have passed without another call. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: number | undefined;
  return (...args: A) => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => fn(...args), ms);
  };
}

let uid = 0;
/** A fresh id for a label/input pair. */
export function freshId(prefix: string): string {
  uid += 1;
  return `${prefix}-${uid}`;
}

// The facts of a request as a flat map by dotted name ("customer.usage_amw"), and the
// request JSON they make (dotted names as nested objects, the jurisdiction first).

import type { Field, Json, Request } from "./api";

export type Facts = Map<string, Json>;

const isObject = (v: unknown): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The facts of a request. A nested object is a group of facts unless its dotted name is a field. */
export function factsOf(request: Request, fields: Field[]): Facts {
  const names = new Set(fields.map((f) => f.name));
  const facts: Facts = new Map();
  const walk = (object: Record<string, Json>, prefix: string) => {
    for (const [key, value] of Object.entries(object)) {
      const name = prefix ? `${prefix}.${key}` : key;
      if (!prefix && key === "jurisdiction") continue;
      if (isObject(value) && !names.has(name)) walk(value, name);
      else facts.set(name, value);
    }
  };
  walk(request, "");
  return facts;
}

/** The request for `jurisdiction` with these facts, in the order of `fields`, the others after. */
export function requestOf(jurisdiction: string, facts: Facts, fields: Field[]): Request {
  const request: Request = { jurisdiction };
  const order = fields.map((f) => f.name).filter((n) => facts.has(n));
  for (const name of facts.keys()) if (!order.includes(name)) order.push(name);
  for (const name of order) {
    const parts = name.split(".");
    let at: Record<string, Json> = request;
    for (const part of parts.slice(0, -1)) {
      if (!isObject(at[part])) at[part] = {};
      at = at[part] as Record<string, Json>;
    }
    at[parts[parts.length - 1]] = facts.get(name) ?? null;
  }
  return request;
}

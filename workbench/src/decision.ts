// A decision as a page: the outcome, why (the deciding provisions with their statute
// sentence), what was set aside, what it depends on (the cases), what would change it.

import type { ApiError, Case, Decision, Field, Json } from "./api";
import { factIs, h, show, type Child } from "./dom";

const words = (outcome: string) => outcome.replace(/_/g, " ");

function outcomeBadge(outcome: string): HTMLElement {
  return h("span", { class: `badge outcome-${outcome}` }, words(outcome));
}

function cites(list: string[]): Child {
  if (list.length === 0) return h("span", { class: "muted" }, "no provision");
  return list.map((cite, i) => [i > 0 ? ", " : "", h("cite", {}, cite)]);
}

function section(title: string, testid: string, ...children: Child[]): HTMLElement {
  return h("section", { class: "decision-part", "data-testid": testid }, h("h3", {}, title), ...children);
}

function whenList(when: Record<string, Json>): HTMLElement {
  return h(
    "ul",
    { class: "when" },
    Object.entries(when).map(([fact, value]) => h("li", {}, factIs(fact, value))),
  );
}

const SHOWN_CASES = 200;

export function casesTable(cases: Case[]): HTMLElement {
  const n = cases.length;
  return h(
    "table",
    { class: "cases", "data-testid": "cases" },
    h("caption", {}, `${n} case${n === 1 ? "" : "s"}`, n > SHOWN_CASES ? `, the first ${SHOWN_CASES} shown` : ""),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "When"), h("th", { scope: "col" }, "Decision"), h("th", { scope: "col" }, "Cites"))),
    h(
      "tbody",
      {},
      cases.slice(0, SHOWN_CASES).map((c) =>
        h("tr", {}, h("td", {}, whenList(c.when)), h("td", {}, outcomeBadge(c.decision)), h("td", {}, cites(c.cites))),
      ),
    ),
  );
}

/** The decision, explained. `fields` gives the meaning of the facts it depends on. */
export function renderDecision(d: Decision, fields: Field[] = []): HTMLElement {
  const ex = d.explanation;
  const meaning = (name: string) => fields.find((f) => f.name === name)?.meaning;
  const parts: Child[] = [
    h(
      "header",
      { class: "decision-head" },
      ex ? h("p", { class: "memo-policy" }, `${ex.policy} — ${ex.title}`) : null,
      h("p", { class: `outcome outcome-${d.decision}`, "data-testid": "outcome" }, words(d.decision)),
      h("p", { class: "decision-cites", "data-testid": "decision-cites" }, "Cites: ", cites(d.cites)),
    ),
  ];

  if (d.obligations.length > 0) {
    parts.push(
      section(
        "Obligations",
        "obligations",
        h("ul", {}, d.obligations.map((o) => h("li", {}, o.text, " ", h("cite", {}, o.cite)))),
      ),
    );
  }

  if (ex && ex.deciding.length > 0) {
    parts.push(
      section(
        "Why",
        "deciding",
        ex.deciding.map((p) =>
          h(
            "div",
            { class: "deciding" },
            h("h4", {}, h("cite", {}, p.cite), p.title ? ` — ${p.title}` : "", " ", outcomeBadge(p.effect)),
            p.statute ? h("blockquote", { class: "statute-quote" }, p.statute) : null,
            h(
              "ul",
              { class: "conditions" },
              p.conditions.map((c) => h("li", {}, h("code", {}, c.condition), " — ", show(c.value))),
              p.only_if ? h("li", {}, "only if ", h("code", {}, p.only_if.condition), " — ", show(p.only_if.value)) : null,
            ),
            h("p", { class: "source" }, "Source: ", h("code", {}, p.source)),
          ),
        ),
      ),
    );
  }

  if (ex && ex.overridden.length > 0) {
    parts.push(
      section(
        "Set aside",
        "overridden",
        h(
          "ul",
          {},
          ex.overridden.map((o) =>
            h("li", {}, h("cite", {}, o.cite), " (", words(o.effect), ") is overridden by ", h("cite", {}, o.by)),
          ),
        ),
      ),
    );
  }

  if (d.decision === "undetermined" || d.depends_on.length > 0) {
    parts.push(
      section(
        "It depends on",
        "depends-on",
        h(
          "ul",
          {},
          d.depends_on.map((f) => h("li", {}, h("code", {}, f), meaning(f) ? ` — ${meaning(f)}` : "")),
        ),
        d.cases.length > 0 ? casesTable(d.cases) : null,
      ),
    );
  }

  if (ex && ex.counterfactuals.length > 0) {
    parts.push(
      section(
        "What would change the answer",
        "counterfactuals",
        h(
          "ul",
          {},
          ex.counterfactuals.map((c) =>
            h(
              "li",
              {},
              "If ",
              Object.entries(c.changes).map(([fact, value], i) => [i > 0 ? " and " : "", h("code", {}, fact), " were ", show(value)]),
              ": ",
              outcomeBadge(c.decision),
              " (",
              cites(c.cites),
              ")",
            ),
          ),
        ),
        ex.counterfactuals_cut_off ? h("p", { class: "muted" }, "(the search for more stopped at its limit)") : null,
      ),
    );
  }

  if (ex && ex.near_misses.length > 0) {
    parts.push(
      section(
        "Near misses",
        "near-misses",
        h(
          "ul",
          {},
          ex.near_misses.map((n) =>
            h("li", {}, h("cite", {}, n.cite), " would be ", words(n.effect), " but ", h("code", {}, n.failed.condition), " is ", show(n.failed.value)),
          ),
        ),
        ex.near_misses_left_out ? h("p", { class: "muted" }, `and ${ex.near_misses_left_out} more`) : null,
      ),
    );
  }

  if (ex?.readings && ex.readings.length > 0) {
    parts.push(
      section("Readings", "readings", h("ul", {}, ex.readings.map((r) => h("li", {}, h("cite", {}, r.cite), ": ", r.text)))),
    );
  }

  if (ex && ex.facts_given.length + ex.facts.length > 0) {
    const given = new Set(ex.facts_given.map((f) => f.fact));
    parts.push(
      h(
        "details",
        { class: "facts-used" },
        h("summary", {}, "The facts"),
        h(
          "ul",
          {},
          ex.facts_given.map((f) => h("li", {}, h("code", {}, f.fact), " = ", show(f.value), " (given)")),
          ex.facts
            .filter((f) => !given.has(f.fact))
            .map((f) => h("li", {}, h("code", {}, f.fact), " = ", show(f.value), ` (${f.origin})`)),
        ),
      ),
    );
  }

  if (d.receipt) {
    parts.push(
      h(
        "p",
        { class: "receipt" },
        `Decision ${d.receipt.decision_id}, ${d.receipt.decided_at}, ${d.receipt.policy.citation} (bundle ${d.receipt.policy.bundle_sha256.slice(0, 12)}…)`,
      ),
    );
  }
  return h("article", { class: "memo", "data-testid": "decision" }, parts);
}

/** A refused request: its code, message and help, and every other error. */
export function renderRefusal(err: ApiError): HTMLElement {
  const one = (e: ApiError["error"]) =>
    h(
      "div",
      { class: "refusal-item" },
      h("p", {}, e.code ? h("strong", { "data-testid": "refusal-code" }, e.code) : null, e.name ? ` ${e.name}: ` : " ", e.message),
      e.help ? h("p", { class: "help" }, "Help: ", e.help) : null,
    );
  const others = err.errors.filter((e) => e.message !== err.error.message);
  return h(
    "div",
    { class: "refusal", role: "alert", "data-testid": "refusal" },
    h("h3", {}, err.status === 409 ? "Not yet decided" : "Refused"),
    one(err.error),
    others.map(one),
  );
}

/** Any failure: a refusal from the server, or a network error. */
export function renderFailure(err: unknown): HTMLElement {
  if (err && typeof err === "object" && "error" in err && "status" in err) return renderRefusal(err as ApiError);
  return h("div", { class: "refusal", role: "alert", "data-testid": "refusal" }, h("p", {}, String(err)));
}

// The law beside its encoding: a coverage map of the statute's subsections, the statute
// text coloured by coverage status, and one subsection opened: its text, its status, the
// provisions that encode it (their source, readings and tests), with links back.

import type { EncodedBy, Status, Subsection, Workbench } from "./api";
import { byId, fill, h, type Child } from "./dom";

export const statusWords: Record<Status, string> = {
  encoded: "encoded",
  not_encoded: "not encoded (marked)",
  not_available: "text not available",
  covered_by_provision: "covered by a provision",
  missing: "missing",
};
const statusMarks: Record<Status, string> = {
  encoded: "✓",
  not_encoded: "–",
  not_available: "?",
  covered_by_provision: "↑",
  missing: "✗",
};

const statuses = Object.keys(statusWords) as Status[];
const domId = (path: string) => path.replace(/[^A-Za-z0-9]+/g, "_");

/** "path:line" → [path, line]. */
function splitSource(source: string): [string, number] {
  const at = source.lastIndexOf(":");
  return [source.slice(0, at), Number(source.slice(at + 1))];
}

const indent = (line: string) => line.length - line.trimStart().length;

const braces = (line: string) => (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length;

/**
 * The 0-based lines of a policy file to show for the item at `start`: the item with its
 * indented continuation or braced block; and, when the item is indented, the top-level
 * line that encloses it (a provision's or test's header) with that block's own clauses
 * (its `when`, its effect: the lines directly inside it that are not lettered items).
 */
function excerptLines(lines: string[], start: number): number[] {
  const shown: number[] = [];
  let header = -1;
  if (indent(lines[start] ?? "") > 0) {
    for (let k = start - 1; k >= 0; k--) {
      if (lines[k].trim() !== "" && indent(lines[k]) === 0 && !lines[k].startsWith("//")) {
        header = k;
        break;
      }
    }
  }
  if (header >= 0) {
    shown.push(header);
    let depth = braces(lines[header]);
    let childIndent = -1;
    let following = false; // the line before was shown: its continuation is shown too
    for (let k = header + 1; k < start && shown.length < 10; k++) {
      const line = lines[k];
      if (line.trim() === "") continue;
      if (childIndent < 0) childIndent = indent(line);
      const clause = depth === 1 && indent(line) === childIndent && !/^\s*(\(|\/\/|\})/.test(line);
      const continued: boolean = following && depth === 1 && indent(line) > childIndent;
      if (clause || continued) shown.push(k);
      following = clause || continued;
      depth += braces(line);
    }
  }
  let depth = 0;
  for (let k = start; k < lines.length && k < start + 40; k++) {
    shown.push(k);
    depth += braces(lines[k]);
    const next = lines[k + 1];
    if (next === undefined || (next.trim() === "" && depth <= 0)) break;
    if (depth <= 0 && next.trim() !== "" && indent(next) <= indent(lines[start])) break;
  }
  return shown;
}

/** The policy file's lines around a `source` ("path:line"), the line itself marked. */
export function sourceExcerpt(wb: Workbench, source: string): HTMLElement {
  const [path, line] = splitSource(source);
  const file = wb.files.find((f) => f.path === path);
  const caption = h("figcaption", {}, h("code", {}, source));
  if (!file || !Number.isFinite(line)) return h("figure", { class: "excerpt" }, caption);
  const lines = file.text.split("\n");
  const rows: Child[] = [];
  let previous = -1;
  for (const k of excerptLines(lines, line - 1)) {
    if (previous >= 0 && k > previous + 1) rows.push(h("span", { class: "src-line gap" }, "     ⋮\n"));
    rows.push(
      h(
        "span",
        { class: k === line - 1 ? "src-line hit" : "src-line" },
        h("span", { class: "ln", "aria-hidden": "true" }, String(k + 1).padStart(4, " ")),
        " ",
        lines[k],
        "\n",
      ),
    );
    previous = k;
  }
  return h("figure", { class: "excerpt", "data-testid": "source-excerpt" }, caption, h("pre", {}, h("code", {}, rows)));
}

/** The statute file: the one whose path the coverage names, else the first with role "statute". */
function statuteFile(wb: Workbench) {
  return wb.files.find((f) => f.path === wb.coverage.statute) ?? wb.files.find((f) => f.role === "statute");
}

interface Block {
  sub: Subsection;
  from: number; // 0-based, inclusive
  to: number;
}

/** Each subsection's lines: from its line up to the next subsection or a blank line. */
function blocks(lines: string[], subs: Subsection[]): Block[] {
  const sorted = [...subs].sort((a, b) => a.line - b.line);
  return sorted.map((sub, i) => {
    const from = sub.line - 1;
    const limit = i + 1 < sorted.length ? sorted[i + 1].line - 1 : lines.length;
    let to = from;
    while (to + 1 < limit && lines[to + 1].trim() !== "") to++;
    return { sub, from, to };
  });
}

export class LawPanel {
  private wb: Workbench | null = null;
  private blocks: Block[] = [];
  private lines: string[] = [];

  constructor(private readonly root: HTMLElement) {}

  render(wb: Workbench): void {
    this.wb = wb;
    const file = statuteFile(wb);
    this.lines = file ? file.text.split("\n") : [];
    this.blocks = blocks(this.lines, wb.coverage.subsections);
    const counts = new Map<Status, number>();
    for (const s of wb.coverage.subsections) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);

    const map = h(
      "nav",
      { class: "coverage-map", "aria-labelledby": "coverage-map-title" },
      h("h2", { id: "coverage-map-title" }, "Coverage map"),
      h(
        "p",
        { class: "coverage-summary" },
        `${wb.coverage.subsections.length} subsections`,
        wb.coverage.test_coverage ? `; ${wb.coverage.test_coverage.exercised} of ${wb.coverage.test_coverage.provisions} provisions tested` : "",
      ),
      h(
        "ul",
        { class: "legend", "aria-label": "Statuses" },
        statuses
          .filter((s) => counts.has(s))
          .map((s) => h("li", { class: `status-${s}` }, h("span", { class: "mark", "aria-hidden": "true" }, statusMarks[s]), ` ${statusWords[s]}: ${counts.get(s)}`)),
      ),
      h(
        "ul",
        { id: "coverage-map", class: "map", "data-testid": "coverage-map" },
        wb.coverage.subsections.map((s) =>
          h(
            "li",
            {},
            h(
              "button",
              {
                type: "button",
                class: `sub-link status-${s.status}`,
                id: `map-${domId(s.path)}`,
                "data-path": s.path,
                "data-testid": `map-${s.path}`,
                "aria-label": `${s.path}, ${statusWords[s.status]}`,
                title: statusWords[s.status],
                onclick: () => this.open(s.path),
              },
              h("span", { class: "mark", "aria-hidden": "true" }, statusMarks[s.status]),
              s.path,
            ),
          ),
        ),
      ),
    );

    const text = h(
      "div",
      { class: "statute", "data-testid": "statute-text" },
      h("h2", {}, "The text"),
      file ? h("p", { class: "muted" }, h("code", {}, file.path)) : h("p", {}, "No statute text is available."),
      this.statuteText(),
    );
    const detail = h(
      "section",
      { id: "subsection-detail", class: "subsection-detail", "data-testid": "subsection-detail", "aria-live": "polite" },
      h("h2", {}, "A subsection"),
      h("p", { class: "muted" }, "Open a subsection from the coverage map or the text to see how it is encoded."),
    );
    fill(this.root, h("div", { class: "law" }, map, text, detail));
  }

  private statuteText(): Child {
    const lines = this.lines;
    if (lines.length === 0) return null;
    const out: Child[] = [];
    const separator = lines.findIndex((l) => /^={10,}/.test(l));
    let k = 0;
    if (separator >= 0 && (this.blocks[0]?.from ?? Infinity) > separator) {
      out.push(h("details", { class: "statute-notes" }, h("summary", {}, "About this text"), h("pre", {}, lines.slice(0, separator).join("\n"))));
      k = separator + 1;
    }
    let plain: string[] = [];
    const flush = () => {
      if (plain.join("").trim() !== "") out.push(h("div", { class: "plain" }, plain.join("\n")));
      plain = [];
    };
    for (const b of this.blocks) {
      for (; k < b.from; k++) plain.push(lines[k]);
      flush();
      out.push(
        h(
          "div",
          {
            class: `sub status-${b.sub.status}`,
            id: `text-${domId(b.sub.path)}`,
            "data-path": b.sub.path,
            title: `${b.sub.path}: ${statusWords[b.sub.status]}`,
            onclick: () => this.open(b.sub.path),
          },
          lines.slice(b.from, b.to + 1).join("\n"),
        ),
      );
      k = b.to + 1;
    }
    for (; k < lines.length; k++) plain.push(lines[k]);
    flush();
    return h("div", { class: "statute-body" }, out);
  }

  /** Opens one subsection, by its path such as "(3)(a)". */
  open(path: string): void {
    const wb = this.wb;
    const block = this.blocks.find((b) => b.sub.path === path);
    if (!wb || !block) return;
    const s = block.sub;
    for (const el of this.root.querySelectorAll(".sub.open, .sub-link.open")) el.classList.remove("open");
    document.getElementById(`text-${domId(path)}`)?.classList.add("open");
    document.getElementById(`map-${domId(path)}`)?.classList.add("open");

    const heading = h("h2", { tabindex: "-1", "data-testid": "subsection-cite" }, s.cite);
    fill(
      byId("subsection-detail"),
      heading,
      h(
        "p",
        { class: `status-line status-${s.status}`, "data-testid": "subsection-status" },
        h("span", { class: "mark", "aria-hidden": "true" }, statusMarks[s.status]),
        ` ${statusWords[s.status]}`,
        s.reason ? h("span", { class: "reason" }, `: ${s.reason}`) : null,
      ),
      h(
        "blockquote",
        { class: "statute-quote" },
        this.parents(path).map((p) => h("span", { class: "parent-text" }, this.textOf(p), "\n")),
        h("span", { "data-testid": "subsection-text" }, this.textOf(block)),
      ),
      s.source && (!s.by || s.by.length === 0) ? [h("h3", {}, "Marked in the policy"), sourceExcerpt(wb, s.source)] : null,
      s.by && s.by.length > 0 ? [h("h3", {}, "Encoded by"), s.by.map((by) => this.encodedBy(by))] : null,
      h(
        "p",
        { class: "back-links" },
        h("a", { href: `#text-${domId(path)}`, onclick: (e: Event) => this.jump(e, `text-${domId(path)}`) }, "Show in the text"),
        " · ",
        h("a", { href: `#map-${domId(path)}`, onclick: (e: Event) => this.jump(e, `map-${domId(path)}`) }, "Back to the coverage map"),
      ),
    );
    heading.focus({ preventScroll: true });
    byId("subsection-detail").scrollIntoView({ block: "nearest" });
  }

  private textOf(b: Block): string {
    return this.lines
      .slice(b.from, b.to + 1)
      .map((l) => l.trim())
      .join("\n");
  }

  /** The blocks of the subsections that enclose `path`: "(15)" and "(15)(b)" for "(15)(b)(A)". */
  private parents(path: string): Block[] {
    const parts = path.match(/\([^)]*\)/g) ?? [];
    return parts
      .slice(0, -1)
      .map((_, i) => parts.slice(0, i + 1).join(""))
      .map((p) => this.blocks.find((b) => b.sub.path === p))
      .filter((b): b is Block => b !== undefined);
  }

  private jump(e: Event, id: string): void {
    e.preventDefault();
    const target = document.getElementById(id);
    if (!target) return;
    target.scrollIntoView({ block: "center" });
    if (target instanceof HTMLButtonElement) target.focus();
    else {
      target.classList.add("flash");
      window.setTimeout(() => target.classList.remove("flash"), 1200);
    }
  }

  private encodedBy(by: EncodedBy): HTMLElement {
    const wb = this.wb!;
    const cov = wb.coverage;
    if (by.provision) {
      const provision = cov.provisions.find((p) => p.cite === by.provision);
      const readings = cov.readings.filter((r) => r.cite === by.provision && r.on !== "definition");
      const tests = provision?.tests ?? [];
      return h(
        "div",
        { class: "encoded-by", "data-testid": "provision" },
        h("h4", {}, "Provision ", h("cite", {}, by.provision), provision ? h("span", { class: `badge outcome-${provision.effect}` }, provision.effect.replace(/_/g, " ")) : null),
        sourceExcerpt(wb, by.source),
        readings.length > 0
          ? [h("h5", {}, "Readings"), h("ul", { "data-testid": "provision-readings" }, readings.map((r) => h("li", {}, r.text, " ", h("code", { class: "muted" }, r.source))))]
          : null,
        h("h5", {}, `Tests (${tests.length})`),
        tests.length === 0
          ? h("p", { class: "muted" }, "No test exercises this provision.")
          : h(
              "ul",
              { class: "tests", "data-testid": "provision-tests" },
              tests.map((name) => {
                const t = wb.tests.find((x) => x.name === name);
                return h("li", {}, t ? h("details", {}, h("summary", {}, name), sourceExcerpt(wb, t.source)) : name);
              }),
            ),
      );
    }
    if (by.definition) {
      const readings = cov.readings.filter((r) => r.definition === by.definition);
      return h(
        "div",
        { class: "encoded-by", "data-testid": "definition" },
        h("h4", {}, "Definition ", h("code", {}, by.definition)),
        sourceExcerpt(wb, by.source),
        readings.length > 0 ? [h("h5", {}, "Readings"), h("ul", {}, readings.map((r) => h("li", {}, r.text)))] : null,
      );
    }
    return h(
      "div",
      { class: "encoded-by" },
      h("h4", {}, by.obligation ? `Obligation: ${by.obligation}` : "Encoded"),
      sourceExcerpt(wb, by.source),
    );
  }
}

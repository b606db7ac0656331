// Diff: two versions of the policy (the one served, and the commits that changed its
// folder) and every kind of request whose answer differs between them.

import { api, type DiffReport, type DiffRow, type Workbench } from "./api";
import { renderFailure } from "./decision";
import { byId, factIs, fill, h } from "./dom";

const SHOWN = 200;

function side(d: DiffRow["old"]): HTMLElement {
  if (d.refused) return h("span", {}, h("span", { class: "badge outcome-refused" }, "refused"), " ", d.refused);
  return h(
    "span",
    {},
    h("span", { class: `badge outcome-${d.decision}` }, (d.decision ?? "").replace(/_/g, " ")),
    " ",
    (d.cites ?? []).map((c, i) => [i > 0 ? ", " : "", h("cite", {}, c)]),
  );
}

export class DiffPanel {
  private wb: Workbench | null = null;
  private loaded = false;

  constructor(private readonly root: HTMLElement) {}

  render(wb: Workbench): void {
    this.wb = wb;
    this.loaded = false;
    fill(
      this.root,
      h("h2", {}, "Diff"),
      h("p", {}, "Compare two versions of the policy: every kind of request whose answer differs."),
      h("div", { id: "diff-form" }, h("p", { class: "muted" }, "Loading the versions…")),
      h("div", { id: "diff-result", "data-testid": "diff-result", "aria-live": "polite" }),
    );
  }

  /** Loads the versions the first time the panel is shown. */
  async show(): Promise<void> {
    const wb = this.wb;
    if (!wb || this.loaded) return;
    this.loaded = true;
    const form = byId("diff-form");
    try {
      const { versions } = await api.versions(wb.jurisdiction);
      const pick = (id: string, label: string, chosen: string) =>
        h(
          "div",
          { class: "field" },
          h("label", { for: id }, label),
          h("select", { id, "data-testid": id }, versions.map((v) => h("option", { value: v.id, selected: v.id === chosen, title: v.label }, v.label.length > 72 ? `${v.label.slice(0, 71)}…` : v.label))),
        );
      const oldDefault = versions.length > 1 ? versions[1].id : versions[0]?.id ?? "current";
      fill(
        form,
        h(
          "form",
          {
            class: "diff-form",
            "aria-label": "Versions to compare",
            onsubmit: (e: Event) => {
              e.preventDefault();
              void this.compare(byId<HTMLSelectElement>("diff-old").value, byId<HTMLSelectElement>("diff-new").value);
            },
          },
          pick("diff-old", "Old version", oldDefault),
          pick("diff-new", "New version", versions[0]?.id ?? "current"),
          h("button", { type: "submit", "data-testid": "diff-compare" }, "Compare"),
        ),
        versions.length < 2 ? h("p", { class: "muted" }, "Only the version being served is known (the policy is not in a git repository, or has no commits).") : null,
      );
    } catch (err) {
      this.loaded = false;
      fill(form, renderFailure(err));
    }
  }

  private async compare(oldId: string, newId: string): Promise<void> {
    const out = byId("diff-result");
    fill(out, h("p", { class: "muted" }, "Comparing…"));
    try {
      fill(out, this.report(await api.diff(this.wb!.jurisdiction, oldId, newId)));
    } catch (err) {
      fill(out, renderFailure(err));
    }
  }

  private report(r: DiffReport): HTMLElement {
    const n = r.differences.length;
    const summary = h(
      "p",
      { "data-testid": "diff-summary" },
      n === 0 ? h("strong", { "data-testid": "diff-none" }, "No differences") : h("strong", {}, `${n} difference${n === 1 ? "" : "s"}`),
      `: ${r.explored} kinds of request explored (limit ${r.limit})`,
      r.truncated ? h("strong", { class: "error" }, "; the search was cut off at its limit, there may be more") : "; the search was complete",
      ".",
    );
    if (n === 0) return h("div", {}, summary);
    return h(
      "div",
      {},
      summary,
      n > SHOWN ? h("p", { class: "muted" }, `The first ${SHOWN} are shown.`) : null,
      h(
        "table",
        { class: "diff", "data-testid": "diff-table" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "When"), h("th", { scope: "col" }, "Old"), h("th", { scope: "col" }, "New"))),
        h(
          "tbody",
          {},
          r.differences.slice(0, SHOWN).map((d) =>
            h(
              "tr",
              {},
              h("td", {}, h("ul", { class: "when" }, d.when.map((w) => h("li", {}, factIs(w.fact, w.value))))),
              h("td", {}, side(d.old)),
              h("td", {}, side(d.new)),
            ),
          ),
        ),
      ),
    );
  }
}

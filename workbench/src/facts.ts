// Try facts: a form generated from the policy's vocabulary, kept in sync with a "Request
// JSON" text area; every change is decided (debounced) and the decision shown as a page.
// "Save as test" turns the current request into a test of the policy.

import { api, type Decision, type Json, type Workbench } from "./api";
import { renderDecision, renderFailure } from "./decision";
import { byId, debounce, fill, h } from "./dom";
import { fieldControl, type Control } from "./fields";
import { factsOf, requestOf, type Facts } from "./request";

export class FactsPanel {
  private wb: Workbench | null = null;
  private facts: Facts = new Map();
  private controls: Control[] = [];
  private seq = 0;
  private inFlight: AbortController | null = null;
  private readonly decideSoon = debounce(() => void this.decide(), 250);
  private readonly parseSoon = debounce(() => this.readJson(), 300);
  /** The last decision shown, for the print view and the interview. */
  lastDecision: Decision | null = null;

  constructor(private readonly root: HTMLElement) {}

  get request() {
    return requestOf(this.wb?.jurisdiction ?? "", this.facts, this.wb?.fields ?? []);
  }

  render(wb: Workbench): void {
    this.wb = wb;
    this.facts = new Map();
    this.controls = wb.fields.map((f) => fieldControl(f, (value) => this.setFact(f.name, value)));

    // The facts grouped by the first part of their dotted name.
    const groups = new Map<string, Control[]>();
    for (const c of this.controls) {
      const group = c.field.name.includes(".") ? c.field.name.split(".")[0] : "the request";
      groups.set(group, [...(groups.get(group) ?? []), c]);
    }
    const form = h(
      "form",
      { id: "facts-form", class: "facts-form", "aria-label": "Facts", onsubmit: (e: Event) => e.preventDefault() },
      h("p", { class: "muted" }, `Jurisdiction: ${wb.jurisdiction} (added to every request). Leave a fact blank when it is unknown.`),
      [...groups].map(([group, controls]) =>
        h("fieldset", { class: "group" }, h("legend", {}, group), controls.map((c) => c.el)),
      ),
    );
    const json = h("textarea", {
      id: "request-json",
      "data-testid": "request-json",
      rows: 12,
      spellcheck: "false",
      "aria-describedby": "request-json-help",
    });
    json.addEventListener("input", () => this.parseSoon());
    const nameInput = h("input", { id: "test-name", type: "text", "data-testid": "test-name", placeholder: "named after the answer" });

    fill(
      this.root,
      h(
        "div",
        { class: "facts" },
        h(
          "div",
          { class: "facts-input" },
          h("h2", {}, "Facts"),
          h(
            "div",
            { class: "request-box" },
            h("label", { for: "request-json" }, "Request JSON"),
            json,
            h("p", { id: "request-json-help", class: "hint" }, "The request the form makes. Paste a request here to fill the form."),
            h("p", { id: "request-json-error", class: "error", role: "alert", "data-testid": "request-json-error" }),
            h(
              "div",
              { class: "actions" },
              h("button", { type: "button", "data-testid": "clear-facts", onclick: () => this.load({}) }, "Clear the facts"),
            ),
          ),
          form,
        ),
        h(
          "div",
          { class: "facts-output" },
          h("h2", {}, "The decision"),
          h("div", { id: "facts-decision", "data-testid": "facts-decision", "aria-live": "polite", "aria-busy": "false" }),
          h(
            "section",
            { class: "save-test", "aria-labelledby": "save-test-title" },
            h("h2", { id: "save-test-title" }, "Save as test"),
            h("p", { class: "hint" }, wb.can_write ? "Adds a test with this request and its answer to the policy's tests file." : "Shows the test; the server was started without --allow-write, so it is not written."),
            h("div", { class: "field" }, h("label", { for: "test-name" }, "Test name (optional)"), nameInput),
            h("button", { type: "button", "data-testid": "save-test", onclick: () => void this.saveTest(nameInput.value.trim()) }, "Save as test"),
            h("div", { id: "saved-test", "data-testid": "saved-test", "aria-live": "polite" }),
          ),
        ),
      ),
    );
    this.sync();
    void this.decide();
  }

  /** Replaces the facts with those of a request (the jurisdiction is the policy's). */
  load(request: Record<string, Json>): void {
    this.facts = factsOf(request, this.wb?.fields ?? []);
    this.sync();
    this.decideSoon();
  }

  private setFact(name: string, value: Json | undefined): void {
    if (value === undefined) this.facts.delete(name);
    else this.facts.set(name, value);
    this.writeJson();
    this.decideSoon();
  }

  /** The form and the text area from the facts. */
  private sync(): void {
    for (const c of this.controls) c.set(this.facts.get(c.field.name));
    this.writeJson();
  }

  private writeJson(): void {
    byId<HTMLTextAreaElement>("request-json").value = JSON.stringify(this.request, null, 2);
    byId("request-json-error").textContent = "";
  }

  private readJson(): void {
    const area = byId<HTMLTextAreaElement>("request-json");
    const error = byId("request-json-error");
    let parsed: unknown;
    try {
      parsed = JSON.parse(area.value);
    } catch (e) {
      error.textContent = `Not JSON yet: ${(e as Error).message}`;
      return;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      error.textContent = "A request is a JSON object.";
      return;
    }
    const given = (parsed as Record<string, Json>).jurisdiction;
    error.textContent =
      given !== undefined && given !== this.wb?.jurisdiction
        ? `The jurisdiction is that of the policy chosen above (${this.wb?.jurisdiction}), not ${String(given)}.`
        : "";
    this.facts = factsOf(parsed as Record<string, Json>, this.wb?.fields ?? []);
    for (const c of this.controls) c.set(this.facts.get(c.field.name));
    this.decideSoon();
  }

  private async decide(): Promise<void> {
    if (!this.wb) return;
    const seq = ++this.seq;
    this.inFlight?.abort();
    const controller = new AbortController();
    this.inFlight = controller;
    const out = byId("facts-decision");
    out.setAttribute("aria-busy", "true");
    try {
      const decision = await api.decide(this.request, controller.signal);
      if (seq !== this.seq) return;
      this.lastDecision = decision;
      fill(out, renderDecision(decision, this.wb.fields));
    } catch (err) {
      if (seq !== this.seq || (err as Error).name === "AbortError") return;
      this.lastDecision = null;
      fill(out, renderFailure(err));
    } finally {
      if (seq === this.seq) out.setAttribute("aria-busy", "false");
    }
  }

  private async saveTest(name: string): Promise<void> {
    if (!this.wb) return;
    const out = byId("saved-test");
    fill(out, h("p", { class: "muted" }, "Saving…"));
    try {
      const saved = await api.saveTest(this.wb.jurisdiction, this.request, name || undefined);
      const pre = h("pre", { class: "test-text", "data-testid": "saved-test-text" }, saved.text);
      const copy = h("button", { type: "button", "data-testid": "copy-test" }, "Copy");
      copy.addEventListener("click", () => {
        void navigator.clipboard?.writeText(saved.text).then(
          () => (copy.textContent = "Copied"),
          () => (copy.textContent = "Copy failed: select the text"),
        );
      });
      fill(
        out,
        h("h3", {}, `Test “${saved.name}”`),
        pre,
        copy,
        h(
          "p",
          { "data-testid": "saved-test-written" },
          saved.written ? ["Written to ", h("code", {}, saved.file), "; the policy was reloaded with it."] : ["Not written (the server runs without --allow-write). Its file: ", h("code", {}, saved.file), "."],
        ),
      );
    } catch (err) {
      fill(out, renderFailure(err));
    }
  }
}

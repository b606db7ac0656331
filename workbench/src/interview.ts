// Interview: from the current facts, ask for one fact at a time (POST /v1/interview) until
// the answer no longer depends on a fact not yet answered or skipped; then the decision.

import { api, type Field, type Json, type Workbench } from "./api";
import { renderDecision, renderFailure } from "./decision";
import { byId, fill, h, show } from "./dom";
import { fieldControl } from "./fields";
import { factsOf, requestOf, type Facts } from "./request";

const range = (f: Field) =>
  [f.min && `${f.min.inclusive ? "at least" : "more than"} ${f.min.value}`, f.max && `${f.max.inclusive ? "at most" : "less than"} ${f.max.value}`]
    .filter(Boolean)
    .join(", ");

function answerWords(field: Field, value: Json | undefined): string {
  if (value === undefined) return "I don't know";
  if (typeof value === "boolean") return value ? "yes" : "no";
  const label = (v: Json) => field.options.find((o) => o.value === v)?.label ?? show(v);
  return Array.isArray(value) ? value.map(label).join(", ") : label(value);
}

export class InterviewPanel {
  private wb: Workbench | null = null;
  private facts: Facts = new Map();
  private skipped: string[] = [];
  private answers: { field: Field; value: Json | undefined }[] = [];

  constructor(
    private readonly root: HTMLElement,
    /** The facts given so far in Try facts. */
    private readonly currentRequest: () => Record<string, Json>,
    /** Carries the interview's facts over to Try facts. */
    private readonly useFacts: (request: Record<string, Json>) => void,
  ) {}

  render(wb: Workbench): void {
    this.wb = wb;
    fill(
      this.root,
      h("h2", {}, "Interview"),
      h("p", {}, "The workbench asks for the facts the answer still depends on, one at a time, until it can answer."),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", "data-testid": "interview-start", onclick: () => void this.start(this.currentRequest()) }, "Start from the facts in Try facts"),
        h("button", { type: "button", "data-testid": "interview-start-empty", onclick: () => void this.start({}) }, "Start with no facts"),
      ),
      h("ol", { id: "interview-answers", class: "answers", "data-testid": "interview-answers", "aria-label": "Answers so far" }),
      h("div", { id: "interview-step", "data-testid": "interview-step", "aria-live": "polite" }),
    );
  }

  private async start(request: Record<string, Json>): Promise<void> {
    this.facts = factsOf(request, this.wb?.fields ?? []);
    this.skipped = [];
    this.answers = [];
    await this.step();
  }

  private async step(): Promise<void> {
    const wb = this.wb;
    if (!wb) return;
    fill(
      byId("interview-answers"),
      this.answers.map((a) => h("li", {}, h("code", {}, a.field.name), ": ", answerWords(a.field, a.value))),
    );
    const out = byId("interview-step");
    const request = requestOf(wb.jurisdiction, this.facts, wb.fields);
    try {
      const { decision, next } = await api.interview(request, this.skipped);
      if (next) {
        fill(out, this.question(next, decision.decision));
        out.querySelector<HTMLElement>("input, select")?.focus();
      } else {
        fill(
          out,
          h("h3", { "data-testid": "interview-done" }, "The answer"),
          renderDecision(decision, wb.fields),
          h("button", { type: "button", "data-testid": "interview-use", onclick: () => this.useFacts(request) }, "Use these facts in Try facts"),
        );
      }
    } catch (err) {
      fill(out, renderFailure(err));
    }
  }

  private question(field: Field, sofar: string): HTMLElement {
    let value: Json | undefined;
    const control = fieldControl(field, (v) => (value = v), "q", false);
    const answer = (v: Json | undefined) => {
      this.answers.push({ field, value: v });
      if (v === undefined) this.skipped.push(field.name);
      else this.facts.set(field.name, v);
      void this.step();
    };
    const n = this.answers.length + 1;
    return h(
      "form",
      {
        class: "question",
        "data-testid": "interview-question",
        "data-field": field.name,
        "aria-labelledby": "interview-question-title",
        onsubmit: (e: Event) => {
          e.preventDefault();
          if (value !== undefined) answer(value);
          else byId("interview-hint").textContent = "Choose an answer, or press “I don't know”.";
        },
      },
      h("h3", { id: "interview-question-title" }, `Question ${n}: ${field.meaning}`),
      range(field) ? h("p", { class: "hint" }, range(field)) : null,
      control.el,
      h("p", { id: "interview-hint", class: "error", role: "alert" }),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "submit", "data-testid": "interview-answer" }, "Answer"),
        h("button", { type: "button", "data-testid": "interview-skip", onclick: () => answer(undefined) }, "I don't know"),
      ),
      h("p", { class: "muted" }, `So far: ${sofar.replace(/_/g, " ")}.`),
    );
  }
}

// Ask: a question in plain words → POST /v1/ask → the memo's short answer, how the question
// was read, the decision, and the whole memo.

import { api, type AskAnswer, type Decision, type Workbench } from "./api";
import { renderDecision, renderFailure } from "./decision";
import { byId, fill, h } from "./dom";
import { markdownToHtml } from "./markdown";

function markdown(text: string, testid: string): HTMLElement {
  const div = h("div", { class: "markdown", "data-testid": testid });
  div.innerHTML = markdownToHtml(text); // escaped first: see markdown.ts
  return div;
}

export class AskPanel {
  private wb: Workbench | null = null;

  constructor(private readonly root: HTMLElement) {}

  render(wb: Workbench): void {
    this.wb = wb;
    const question = h("textarea", { id: "ask-question", rows: 3, "data-testid": "ask-question" });
    fill(
      this.root,
      h("h2", {}, "Ask"),
      h(
        "form",
        {
          class: "ask-form",
          "aria-label": "Ask a question",
          onsubmit: (e: Event) => {
            e.preventDefault();
            void this.ask(question.value.trim());
          },
        },
        h("label", { for: "ask-question" }, "Your question (any jurisdiction served)"),
        question,
        h(
          "div",
          { class: "actions" },
          h("button", { type: "submit", "data-testid": "ask-submit" }, "Ask"),
          wb.example_question
            ? h(
                "button",
                {
                  type: "button",
                  "data-testid": "ask-example",
                  onclick: () => {
                    question.value = wb.example_question ?? "";
                    question.focus();
                  },
                },
                "Use the example question",
              )
            : null,
        ),
      ),
      h("div", { id: "ask-answer", "data-testid": "ask-answer", "aria-live": "polite" }),
    );
  }

  private async ask(question: string): Promise<void> {
    const out = byId("ask-answer");
    if (!question) {
      fill(out, h("p", { class: "error" }, "Write a question first."));
      return;
    }
    fill(out, h("p", { class: "muted" }, "Reading the question…"));
    try {
      fill(out, this.answer(await api.ask(question)));
    } catch (err) {
      fill(out, renderFailure(err));
    }
  }

  private answer(a: AskAnswer): HTMLElement {
    const parts: HTMLElement[] = [];
    if (a.out_of_scope) {
      parts.push(h("p", { class: "refusal", "data-testid": "out-of-scope" }, "Outside the encoded law: ", a.out_of_scope));
    }
    if (a.memo) {
      parts.push(h("section", { class: "short-answer" }, h("h3", {}, "Short answer"), markdown(a.memo.short_answer, "short-answer")));
    }
    const i = a.interpretation;
    if (i) {
      parts.push(
        h(
          "section",
          { class: "interpretation" },
          h("h3", {}, "How the question was read"),
          h(
            "ul",
            {},
            i.understood.map((u) => h("li", {}, "“", u.words, "” → ", h("code", {}, u.means))),
            i.assumed.length ? h("li", {}, "assumed: ", i.assumed.join(", ")) : null,
            i.ignored.length ? h("li", {}, "not understood, ignored: ", i.ignored.join(", ")) : null,
          ),
        ),
      );
    }
    if (typeof a.decision === "string" && Array.isArray(a.cites)) {
      parts.push(h("section", {}, h("h3", {}, "The decision"), renderDecision(a as Decision, this.wb?.jurisdiction === i?.jurisdiction ? this.wb?.fields : [])));
    }
    if (a.memo) {
      const details = h("details", { class: "memo-text", "data-testid": "memo-text" }, h("summary", {}, "The whole memo"), markdown(a.memo.text, "memo-markdown"));
      // A [n] reference opens the memo at its source.
      parts.forEach((p) =>
        p.addEventListener("click", (e) => {
          if ((e.target as HTMLElement).closest("a.ref")) details.open = true;
        }),
      );
      details.addEventListener("click", (e) => {
        if ((e.target as HTMLElement).closest("a.ref")) details.open = true;
      });
      parts.push(details);
    }
    return h("div", { class: "ask-result" }, parts);
  }
}

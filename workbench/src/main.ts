// The workbench: picks a policy, loads GET /v1/policies/{j}/workbench and renders the five
// panels; the tabs switch between them (arrow keys, Home and End move between tabs).

import "./app.css";
import { api, type Workbench } from "./api";
import { AskPanel } from "./ask";
import { DiffPanel } from "./diff";
import { byId, fill, h } from "./dom";
import { FactsPanel } from "./facts";
import { InterviewPanel } from "./interview";
import { LawPanel } from "./law";

declare global {
  interface Window {
    /** performance.now() when the coverage map was first on the page (the e2e test reads it). */
    __firstRender?: number;
  }
}

const law = new LawPanel(byId("panel-law"));
const facts = new FactsPanel(byId("panel-facts"));
const interview = new InterviewPanel(
  byId("panel-interview"),
  () => facts.request,
  (request) => {
    facts.load(request);
    selectTab("facts");
  },
);
const ask = new AskPanel(byId("panel-ask"));
const diff = new DiffPanel(byId("panel-diff"));

const tabs = [...document.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
const tabName = (tab: HTMLElement) => tab.id.replace(/^tab-/, "");

function selectTab(name: string, focus = false): void {
  for (const tab of tabs) {
    const selected = tabName(tab) === name;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
    byId(tab.getAttribute("aria-controls")!).hidden = !selected;
    if (selected && focus) tab.focus();
  }
  document.body.dataset.tab = name;
  if (name === "diff") void diff.show();
}

for (const [i, tab] of tabs.entries()) {
  tab.addEventListener("click", () => selectTab(tabName(tab)));
  tab.addEventListener("keydown", (e) => {
    const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    selectTab(tabName(tabs[(to + tabs.length) % tabs.length]), true);
  });
}

const status = byId("status");
const select = byId<HTMLSelectElement>("policy-select");

async function open(jurisdiction: string): Promise<void> {
  status.textContent = `Loading ${jurisdiction}…`;
  let wb: Workbench;
  try {
    wb = await api.workbench(jurisdiction);
  } catch (err) {
    status.textContent = `Could not load the policy ${jurisdiction}: ${(err as Error).message}`;
    return;
  }
  byId("policy-title").textContent = `${wb.citation} — ${wb.title}`;
  document.title = `${wb.citation} — Juris workbench`;
  law.render(wb);
  if (document.body.dataset.ready !== "true") {
    window.__firstRender = performance.now();
    document.body.dataset.ready = "true";
  }
  facts.render(wb);
  interview.render(wb);
  ask.render(wb);
  diff.render(wb);
  if (document.body.dataset.tab === "diff") void diff.show();
  status.textContent = "";
}

async function boot(): Promise<void> {
  selectTab("law");
  let policies;
  try {
    ({ policies } = await api.policies());
  } catch (err) {
    status.textContent = `Could not reach juris serve: ${(err as Error).message}`;
    return;
  }
  if (policies.length === 0) {
    status.textContent = "No policy is being served.";
    return;
  }
  fill(select, policies.map((p) => h("option", { value: p.jurisdiction }, `${p.jurisdiction} — ${p.citation}`)));
  const wanted = new URLSearchParams(location.search).get("j");
  const first = policies.find((p) => p.jurisdiction === wanted) ?? policies[0];
  select.value = first.jurisdiction;
  select.addEventListener("change", () => void open(select.value));
  await open(first.jurisdiction);
}

void boot();

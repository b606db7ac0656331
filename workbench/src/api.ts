// The routes of `juris serve --ui` that the workbench calls, and the JSON they answer
// (docs/serving.md, docs/workbench.md). Only the members the page reads are typed.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Request = { [key: string]: Json };

export interface PolicySummary {
  jurisdiction: string;
  citation: string;
  title: string;
}

export interface Bound {
  value: number;
  inclusive: boolean;
}

export interface Field {
  name: string;
  meaning: string;
  type: "bool" | "number" | "date" | "text" | "enum" | "set";
  options: { value: string; label: string | null }[];
  min: Bound | null;
  max: Bound | null;
  default: Json;
}

export type Status = "encoded" | "not_encoded" | "not_available" | "covered_by_provision" | "missing";

export interface EncodedBy {
  provision?: string;
  definition?: string;
  obligation?: string;
  source: string;
}

export interface Subsection {
  cite: string;
  path: string;
  line: number;
  status: Status;
  reason?: string;
  source?: string;
  by?: EncodedBy[];
}

export interface Provision {
  cite: string;
  rule: string | null;
  effect: string;
  source: string;
  tests: string[];
}

export interface Reading {
  cite: string;
  on: string;
  definition?: string;
  text: string;
  source: string;
}

export interface Coverage {
  policy: string;
  file: string;
  statute: string;
  subsections: Subsection[];
  provisions: Provision[];
  readings: Reading[];
  statute_coverage?: Record<string, number>;
  test_coverage?: Record<string, number>;
}

export interface PolicyFile {
  path: string;
  role: "policy" | "terms" | "tests" | "statute" | "reference";
  text: string;
}

export interface Workbench {
  jurisdiction: string;
  citation: string;
  title: string;
  coverage: Coverage;
  files: PolicyFile[];
  tests: { name: string; source: string }[];
  fields: Field[];
  example_question: string | null;
  can_write: boolean;
}

export interface Clause {
  condition: string;
  value: Json;
}

export interface Obligation {
  text: string;
  cite: string;
}

export interface Case {
  when: Record<string, Json>;
  decision: string;
  cites: string[];
  obligations: Obligation[];
}

export interface Explanation {
  counterfactuals: { changes: Record<string, Json>; cites: string[]; decision: string }[];
  counterfactuals_cut_off?: boolean;
  deciding: {
    cite: string;
    conditions: Clause[];
    effect: string;
    only_if?: Clause;
    source: string;
    statute: string | null;
    title: string | null;
  }[];
  facts: { fact: string; origin: string; value: Json }[];
  facts_given: { fact: string; value: Json }[];
  jurisdiction: string;
  near_misses: { cite: string; effect: string; failed: Clause; source: string }[];
  near_misses_left_out?: number;
  overridden: { by: string; cite: string; effect: string; source: string }[];
  policy: string;
  readings?: { cite: string; text: string }[];
  title: string;
}

export interface Decision {
  decision: string;
  cites: string[];
  obligations: Obligation[];
  depends_on: string[];
  cases: Case[];
  explanation?: Explanation;
  decision_id?: string;
  receipt?: { decision_id: string; decided_at: string; policy: { citation: string; bundle_sha256: string } };
}

export interface AskAnswer extends Partial<Decision> {
  out_of_scope?: string;
  question?: string;
  interpretation?: {
    question: string;
    jurisdiction: string;
    understood: { words: string; means: string }[];
    ignored: string[];
    assumed: string[];
    request: Request;
  };
  memo?: { short_answer: string; text: string };
}

export interface InterviewStep {
  decision: Decision;
  next: Field | null;
}

export interface SavedTest {
  name: string;
  text: string;
  file: string;
  written: boolean;
}

export interface Version {
  id: string;
  label: string;
}

export interface DiffRow {
  when: { fact: string; value: Json }[];
  request: Request;
  old: Partial<Decision> & { refused?: string };
  new: Partial<Decision> & { refused?: string };
}

export interface DiffReport {
  old: { file: string; policy: string };
  new: { file: string; policy: string };
  differences: DiffRow[];
  explored: number;
  limit: number;
  truncated: boolean;
}

/** The `error` member of a refusal (400, 404, 409). */
export interface ApiErrorBody {
  code?: string;
  name?: string;
  message: string;
  key?: string;
  help?: string;
  position?: { line: number; column: number; offset: number };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: ApiErrorBody,
    readonly errors: ApiErrorBody[],
  ) {
    super(error.message);
  }
}

async function call<T>(method: "GET" | "POST", path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const parsed = json as { error?: ApiErrorBody; errors?: ApiErrorBody[] } | null;
    const error = parsed?.error ?? { message: text || `${response.status} ${response.statusText}` };
    throw new ApiError(response.status, error, parsed?.errors ?? [error]);
  }
  return json as T;
}

const j = encodeURIComponent;

export const api = {
  policies: () => call<{ policies: PolicySummary[] }>("GET", "/v1/policies"),
  workbench: (jurisdiction: string) => call<Workbench>("GET", `/v1/policies/${j(jurisdiction)}/workbench`),
  decide: (request: Request, signal?: AbortSignal) =>
    call<Decision>("POST", "/v1/decide?explain=true", request, signal),
  interview: (request: Request, skipped: string[]) =>
    call<InterviewStep>("POST", "/v1/interview", { request, skipped }),
  ask: (question: string) => call<AskAnswer>("POST", "/v1/ask", { question }),
  saveTest: (jurisdiction: string, request: Request, name?: string) =>
    call<SavedTest>("POST", `/v1/policies/${j(jurisdiction)}/tests`, name ? { request, name } : { request }),
  versions: (jurisdiction: string) =>
    call<{ versions: Version[] }>("GET", `/v1/policies/${j(jurisdiction)}/versions`),
  diff: (jurisdiction: string, oldId: string, newId: string) =>
    call<DiffReport>("POST", `/v1/policies/${j(jurisdiction)}/diff`, { old: oldId, new: newId }),
};

// End-to-end test of the workbench: `juris serve --ui --allow-write` on a temporary copy of
// policies/, driven by the system's Chromium through playwright-core (no browser is ever
// downloaded). Run with `npm test` in workbench/; JURIS_BIN names the juris binary
// (default ../target/release/juris), CHROMIUM the browser (default /usr/bin/chromium).
// Screenshots of each step go to test/screenshots/NN-step.png (gitignored).

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const workbench = resolve(here, "..");
const repo = resolve(workbench, "..");
const jurisBin = resolve(process.env.JURIS_BIN || resolve(workbench, "../target/release/juris"));
const shots = join(here, "screenshots");

// The meter-number example: an electric company transfers a 0.3 aMW customer's meter
// number to the Administrator, with the notice, the safeguards and the agreement in place.
const METER_NUMBER = {
  jurisdiction: "OR",
  actor: "electric_company",
  action: "transfer",
  recipient: "administrator",
  data: "meter_number",
  customer: { usage_amw: 0.3, pre_transfer_notice_sent: true },
  administrator: { safeguards_in_place: true },
  agreement: { information_transfer_agreement: true },
};
const QUESTION = "Can I use customer data for marketing purposes without violating privacy laws in Oklahoma?";
const TEST_NAME = "workbench e2e: the meter number of a 0.3 aMW customer";

/** Starts juris serve on a copy of policies/ in a temporary folder; resolves to its address. */
async function serve(folder) {
  const env = { ...process.env };
  if (process.env.E2E_DIST) env.JURIS_WORKBENCH_DIR = resolve(workbench, "dist");
  const child = spawn(jurisBin, ["serve", "--ui", "--allow-write", "--addr", "127.0.0.1:0", "policies"], {
    cwd: folder,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const address = await new Promise((resolveAddress, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(new Error(`juris serve did not start in 30 s:\n${stderr}`));
    }, 30_000);
    child.on("error", (err) => reject(new Error(`cannot run ${jurisBin}: ${err.message}`)));
    child.on("exit", (code) => reject(new Error(`juris serve exited (${code}):\n${stderr}`)));
    createInterface({ input: child.stdout }).on("line", (line) => {
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolveAddress(m[1]);
      }
    });
  });
  return { child, address };
}

test("the workbench, end to end", async (t) => {
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });
  const folder = mkdtempSync(join(tmpdir(), "juris-workbench-"));
  cpSync(join(repo, "policies"), join(folder, "policies"), { recursive: true });
  let server = null;
  let browser = null;
  t.after(async () => {
    await browser?.close();
    server?.child.kill("SIGTERM");
    rmSync(folder, { recursive: true, force: true });
  });
  server = await serve(folder);
  const { address } = server;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-background-networking"],
  });

  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(20_000);
  // Console errors fail the test. The browser itself logs a refused request's status as an
  // error ("Failed to load resource: … 400"): that one is allowed in the refusal step only.
  const consoleErrors = [];
  let refusalExpected = false;
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    if (refusalExpected && /Failed to load resource: .*status of 400/.test(msg.text())) return;
    consoleErrors.push(`${msg.text()} (${msg.location().url})`);
  });
  page.on("pageerror", (err) => consoleErrors.push(String(err)));

  let n = 0;
  const shot = (name) => page.screenshot({ path: join(shots, `${String(++n).padStart(2, "0")}-${name}.png`) });
  const byTestId = (id) => page.locator(`[data-testid="${id}"]`);

  /** Every input, select and textarea on the page has an accessible name from a label. */
  const assertLabelled = async (where) => {
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll("input, select, textarea")]
        .filter((el) => el.labels.length === 0 && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"))
        .map((el) => el.outerHTML.slice(0, 120)),
    );
    assert.deepEqual(unlabelled, [], `controls without a label (${where})`);
  };

  await t.test("loads the page and the coverage map", async () => {
    await page.goto(`${address}/`);
    await page.waitForSelector('body[data-ready="true"]');
    const firstRender = await page.evaluate(() => window.__firstRender);
    assert.equal(typeof firstRender, "number");
    console.log(`first render: ${Math.round(firstRender)} ms`);
    writeFileSync(join(shots, "first-render.txt"), `${Math.round(firstRender)}\n`);
    // Landmarks and tabs.
    assert.equal(await page.locator("body > header").count(), 1);
    assert.equal(await page.locator("body > nav").count(), 1);
    assert.equal(await page.locator("body > main").count(), 1);
    assert.equal(await byTestId("tab-law").getAttribute("aria-selected"), "true");
    // Oregon, from the policy selector.
    await byTestId("policy-select").selectOption("OR");
    await page.waitForFunction(() => document.querySelector('[data-testid="policy-title"]')?.textContent?.includes("OAR 860-086-0030"));
    await byTestId("map-(3)(a)").waitFor();
    assert.ok((await byTestId("coverage-map").locator("button").count()) > 30);
    await shot("law");
  });

  await t.test("opens (3)(a) from the coverage map", async () => {
    await byTestId("map-(3)(a)").click();
    await assert.doesNotReject(page.waitForFunction(() => document.querySelector('[data-testid="subsection-cite"]')?.textContent === "OAR 860-086-0030(3)(a)"));
    assert.match(await byTestId("subsection-text").textContent(), /Social security numbers/);
    assert.match(await byTestId("subsection-status").textContent(), /encoded/);
    const provision = byTestId("subsection-detail").locator('[data-testid="provision"]');
    assert.match(await provision.locator("h4").textContent(), /OAR 860-086-0030\(3\)\(a\)/);
    assert.match(await provision.locator('[data-testid="source-excerpt"]').first().textContent(), /when data is ssn/);
    assert.ok((await provision.locator('[data-testid="provision-tests"] li').count()) >= 1);
    await shot("subsection");
  });

  await t.test("decides the meter-number example: required, OAR 860-086-0030(2)(h)", async () => {
    await byTestId("tab-facts").click();
    await assertLabelled("Try facts");
    await byTestId("request-json").fill(JSON.stringify(METER_NUMBER, null, 2));
    await page.waitForFunction(() => document.querySelector('#facts-decision [data-testid="outcome"]')?.textContent === "required");
    assert.match(await page.locator('#facts-decision [data-testid="decision-cites"]').textContent(), /OAR 860-086-0030\(2\)\(h\)/);
    assert.match(await page.locator('#facts-decision [data-testid="deciding"]').textContent(), /Meter number/);
    // The form follows the JSON.
    assert.equal(await byTestId("field-data").inputValue(), "meter_number");
    assert.equal(await byTestId("field-customer.usage_amw").inputValue(), "0.3");
    assert.ok(await byTestId("field-customer.pre_transfer_notice_sent-yes").isChecked());
    await byTestId("request-json").evaluate((el) => {
      el.blur();
      el.scrollTop = 0;
    });
    await shot("decision");
  });

  await t.test("without the customer's usage, the answer depends on it: the cases", async () => {
    await byTestId("field-customer.usage_amw").fill("");
    await page.waitForFunction(() => document.querySelector('#facts-decision [data-testid="outcome"]')?.textContent === "undetermined");
    assert.doesNotMatch(await byTestId("request-json").inputValue(), /usage_amw/);
    assert.match(await page.locator('#facts-decision [data-testid="depends-on"]').textContent(), /customer\.usage_amw/);
    const rows = page.locator('#facts-decision [data-testid="cases"] tbody tr');
    assert.ok((await rows.count()) >= 2);
    assert.match(await page.locator('#facts-decision [data-testid="cases"]').textContent(), />= 1/);
    await page.locator('#facts-decision [data-testid="cases"]').scrollIntoViewIfNeeded();
    await shot("cases");
  });

  await t.test("a refused request shows its code, message and help", async () => {
    refusalExpected = true;
    await byTestId("request-json").fill('{"jurisdiction": "OR", "actr": "electric_company"}');
    await page.waitForFunction(() => document.querySelector('#facts-decision [data-testid="refusal-code"]')?.textContent === "R001");
    assert.match(await page.locator('#facts-decision [data-testid="refusal"]').textContent(), /did you mean `actor`/);
    await shot("refusal");
    await byTestId("request-json").fill(JSON.stringify(METER_NUMBER));
    await page.waitForFunction(() => document.querySelector('#facts-decision [data-testid="outcome"]')?.textContent === "required");
    refusalExpected = false;
  });

  await t.test("the interview asks one fact at a time until it can answer", async () => {
    await byTestId("tab-interview").click();
    await byTestId("interview-start-empty").click();
    // Answers from the meter-number example; a yes/no fact not in it is answered "no".
    const answers = {
      actor: "electric_company",
      action: "transfer",
      recipient: "administrator",
      data: "meter_number",
      "customer.usage_amw": "0.3",
      "customer.pre_transfer_notice_sent": "yes",
      "administrator.safeguards_in_place": "yes",
      "agreement.information_transfer_agreement": "yes",
    };
    let asked = 0;
    for (;;) {
      const question = byTestId("interview-question");
      const done = byTestId("interview-done");
      await question.or(done).first().waitFor();
      if (await done.isVisible()) break;
      const field = await question.getAttribute("data-field");
      assert.ok(++asked <= 25, `the interview should end (it asked ${field} as question ${asked})`);
      if (asked === 2) await shot("interview-question");
      await assertLabelled(`interview: ${field}`);
      const control = question.locator(`[data-testid="q-${field}"]`);
      const tag = await control.evaluate((el) => el.tagName.toLowerCase());
      const wanted = answers[field];
      if (tag === "select") {
        const value = wanted ?? (await control.locator("option").nth(1).getAttribute("value"));
        await control.selectOption(value);
      } else if (tag === "fieldset") {
        const radio = question.locator(`[data-testid="q-${field}-${wanted ?? "no"}"]`);
        if ((await radio.count()) === 1) await radio.check();
        else await question.locator('input[type="checkbox"]').first().check();
      } else {
        await control.fill(wanted ?? "1");
      }
      await byTestId("interview-answer").click();
      await page.waitForFunction(
        (previous) => document.querySelector('[data-testid="interview-question"]')?.dataset.field !== previous || document.querySelector('[data-testid="interview-done"]'),
        field,
      );
    }
    assert.ok(asked >= 1);
    assert.equal(await page.locator('#interview-step [data-testid="outcome"]').textContent(), "required");
    assert.equal(await byTestId("interview-answers").locator("li").count(), asked);
    await shot("interview-answer");
  });

  await t.test("asks the seed question and shows the short answer", async () => {
    await byTestId("tab-ask").click();
    await byTestId("ask-question").fill(QUESTION);
    await byTestId("ask-submit").click();
    await byTestId("short-answer").waitFor();
    const short = (await byTestId("short-answer").textContent()).trim();
    assert.ok(short.length > 20, `a short answer: ${short}`);
    assert.match(await byTestId("ask-answer").textContent(), /Oklahoma/);
    assert.equal(await byTestId("memo-text").evaluate((el) => el.tagName), "DETAILS");
    assert.match(await byTestId("memo-text").textContent(), /Short answer/);
    // The memo is rendered, not shown as raw Markdown or HTML.
    assert.equal(await byTestId("memo-text").locator("script").count(), 0);
    assert.ok((await byTestId("memo-text").locator("strong").count()) >= 1);
    await shot("ask");
  });

  await t.test("saves the request as a test into the copy's tests file", async () => {
    await byTestId("tab-facts").click();
    await page.waitForFunction(() => document.querySelector('#facts-decision [data-testid="outcome"]')?.textContent === "required");
    await byTestId("test-name").fill(TEST_NAME);
    await byTestId("save-test").click();
    await byTestId("saved-test-text").waitFor();
    const text = await byTestId("saved-test-text").textContent();
    assert.match(text, /expect required/);
    assert.ok(text.includes(TEST_NAME), text);
    assert.match(await byTestId("saved-test-written").textContent(), /Written to/);
    const file = readFileSync(join(folder, "policies/oregon/oar-860-086-0030.tests.juris"), "utf8");
    assert.ok(file.includes(TEST_NAME), "the tests file of the copy holds the new test");
    await byTestId("saved-test").scrollIntoViewIfNeeded();
    await shot("save-test");
  });

  await t.test("compares two versions in Diff", async () => {
    await byTestId("tab-diff").click();
    const old = byTestId("diff-old");
    await old.waitFor();
    const ids = await old.locator("option").evaluateAll((options) => options.map((o) => o.value));
    assert.equal(ids[0], "current");
    await old.selectOption(ids.length > 1 ? ids[1] : "current");
    await byTestId("diff-new").selectOption("current");
    await byTestId("diff-compare").click();
    await byTestId("diff-summary").waitFor({ timeout: 60_000 });
    if (ids.length === 1) await byTestId("diff-none").waitFor();
    assert.match(await byTestId("diff-summary").textContent(), /explored/);
    await shot("diff");
  });

  await t.test("keyboard: the arrow keys move between tabs", async () => {
    await byTestId("tab-diff").focus();
    await page.keyboard.press("Home");
    assert.equal(await byTestId("tab-law").getAttribute("aria-selected"), "true");
    await page.keyboard.press("ArrowRight");
    assert.equal(await byTestId("tab-facts").getAttribute("aria-selected"), "true");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "tab-facts");
    await assertLabelled("at the end");
  });

  await t.test("no console errors", () => {
    assert.deepEqual(consoleErrors, []);
  });
});

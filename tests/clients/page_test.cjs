// The page at `/` in headless Chromium, as an agent uses it: type a bad draft, see the
// finding appear, fix the draft, see it clear. Saves screenshots.
//
// Usage: NODE_PATH=<dir>/node_modules node page_test.cjs URL SCREENSHOT.png
// Needs playwright-core (npm) and Debian's chromium at /usr/bin/chromium.

"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const [url, shot] = process.argv.slice(2);
if (!url || !shot) {
  console.error("usage: node page_test.cjs URL SCREENSHOT.png");
  process.exit(2);
}
const BAD =
  "Hoi Sanne, wat vervelend dat je pakket nog niet binnen is! " +
  "Bel even met onze klantenservice, die kunnen je verder helpen. ^Joris";
const GOOD =
  "Hoi Sanne, wat vervelend dat je pakket nog niet binnen is! Ik heb het nagekeken: " +
  "het ligt bij ons sorteercentrum en komt morgen voor 12:00 bij je aan. ^Joris";

let passed = 0;
let failed = 0;
function expect(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (ok) passed++;
  else failed++;
}

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "webcare-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1280, height: 820 },
  });
  const errors = [];
  const external = [];
  try {
    const page = context.pages()[0] || (await context.newPage());
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("request", (r) => !r.url().startsWith(url) && external.push(r.url()));

    await page.goto(url, { waitUntil: "load" });
    expect((await page.title()) === "Webcare-check", "the page loads");
    await page.selectOption("#channel", "x");
    await page.selectOption("#register", "je");

    // Type the bad draft as an agent would, key by key.
    await page.click("#draft");
    await page.keyboard.type(BAD, { delay: 8 });
    const lastKey = Date.now();
    const finding = page.locator('.finding[data-rule="channel/redirect-phone"]');
    await finding.waitFor({ timeout: 10000 });
    console.log(`finding shown ${Date.now() - lastKey} ms after the last key (debounce 300 ms)`);
    const card = (await finding.innerText()).replace(/\s+/g, " ").trim();
    console.log(`finding card: ${card}`);
    expect(card.includes("Gebod 2"), "the card names the commandment (gebod 2)");
    expect(card.includes("Wat kun je doen?"), "the card says what to do (help)");
    const marked = await page.locator("#backdrop mark").allInnerTexts();
    console.log(`highlighted in the draft: ${JSON.stringify(marked)}`);
    expect(
      marked.some((m) => m.includes("Bel even met onze klantenservice")),
      "the flagged text is highlighted in the draft",
    );
    expect(
      (await page.locator("#status").getAttribute("data-state")) === "findings",
      "the status line reports findings",
    );
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot (finding): ${shot}`);

    // Fix the draft: select all, type the good one.
    await page.click("#draft");
    await page.keyboard.press("Control+A");
    await page.keyboard.type(GOOD, { delay: 4 });
    const fixed = Date.now();
    await page.waitForFunction(
      () =>
        document.getElementById("status").dataset.state === "clean" &&
        document.querySelectorAll(".finding").length === 0,
      null,
      { timeout: 10000 },
    );
    console.log(`findings cleared ${Date.now() - fixed} ms after the last key`);
    expect(true, "the finding clears once the draft is fixed");
    expect((await page.locator("#backdrop mark").count()) === 0, "no highlight is left");
    const clean = shot.replace(/\.png$/, "-clean.png");
    await page.screenshot({ path: clean, fullPage: true });
    console.log(`screenshot (clean): ${clean}`);
    expect(errors.length === 0, `no script errors${errors.length ? ": " + errors.join("; ") : ""}`);
    expect(external.length === 0, `no external requests${external.length ? ": " + external.join(", ") : ""}`);
  } catch (e) {
    expect(false, `browser step: ${e.message}`);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(`page: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})();

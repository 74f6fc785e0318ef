// What the presenter page's browser checks share (present_check.mjs, present_two.mjs): Debian's
// headless Chromium and the puppeteer-core peer found (or the check skipped: exit 77), the browser
// started, a presenter page opened and logged in, waiting for a condition, and the exit code.
//
// env: OPSWALL_URL, PEERS_DIR (node_modules), CHROMIUM, OUT_DIR
import { createRequire } from "node:module";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";

export const env = process.env;
export const url = env.OPSWALL_URL;
export const out = env.OUT_DIR || ".";

export function fail(why) { throw new Error(why); }

// Waits until check() answers something true (and returns that), or fails naming what.
export async function until(what, check, ms = 15000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    last = await check();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  fail(`timed out waiting for ${what}`);
}

// Starts headless Chromium with puppeteer-core; exits 77 (skipped) when either is not there.
export async function startBrowser() {
  const chromium = env.CHROMIUM || "/usr/bin/chromium";
  if (!existsSync(chromium)) {
    console.error(`SKIP: no Chromium at ${chromium}`);
    process.exit(77);
  }
  let puppeteer;
  try {
    const require = createRequire(path.join(env.PEERS_DIR || ".", "node_modules", "x.js"));
    puppeteer = require("puppeteer-core");
  } catch (e) {
    console.error(`SKIP: puppeteer-core is not installed in ${env.PEERS_DIR}: ${e.message}`);
    process.exit(77);
  }
  mkdirSync(out, { recursive: true });
  return puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
  });
}

// A new presenter page (/present/ and query) in target (the browser, or a browser context for a
// session of its own), 1280×900, its script errors on stderr.
export async function openPresenter(target, query = "") {
  const page = await target.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await page.goto(`${url}/present/${query}`, { waitUntil: "load" });
  return page;
}

// Logs in with token, as a person does, and waits for the list of briefings.
export async function logIn(page, token) {
  await page.type("#token", token);
  await page.click("#loginButton");
  await page.waitForSelector("#choose:not([hidden])", { timeout: 10000 });
}

// Runs check, then closes the browser and exits: 0 when it passed, 1 with the reason on stderr.
export async function run(browser, check) {
  let code = 0;
  try {
    await check();
  } catch (e) {
    console.error(`FAIL: ${e.message}`);
    code = 1;
  } finally {
    await browser.close();
  }
  process.exit(code);
}

// The presenter page as a leader uses it, in Debian's headless Chromium driven by puppeteer-core:
// log in with the leader's token, start the briefing from the page, press PageDown and see the
// wall's step change (asked of the API), step with wallctl and see the page follow the event,
// blank with "b". Screenshots go to $OUT_DIR. Exit 0 = passed, 77 = skipped (no browser or
// peer), 1 = failed (the reason on stderr).
//
// env: OPSWALL_URL, LEADER_TOKEN, WALLCTL, PEERS_DIR (node_modules), CHROMIUM, OUT_DIR
import { execFileSync } from "node:child_process";
import path from "node:path";
import { env, fail, logIn, openPresenter, out, run, startBrowser, until, url } from "./harness.mjs";

const token = env.LEADER_TOKEN;

async function current() {
  const res = await fetch(`${url}/api/v1/briefings/current`, { headers: { Authorization: `Bearer ${token}` } });
  return res.json();
}

const browser = await startBrowser();
await run(browser, async () => {
  const page = await openPresenter(browser);
  // Log in with the leader's token.
  await logIn(page, token);
  await page.waitForSelector("#briefingList button[data-briefing]", { timeout: 10000 });
  await page.screenshot({ path: path.join(out, "presenter-choose.png") });
  await page.click("#briefingList button[data-briefing]");
  await page.waitForSelector("#presenter:not([hidden])", { timeout: 10000 });
  await until("step 1 on the page", async () => (await page.$eval("#stepNumber", (e) => e.textContent)) === "1");
  if ((await current()).step !== 1) fail("the wall is not at step 1 after Start");

  // A clicker's PageDown: the wall moves to step 2, and the page shows it.
  await page.keyboard.press("PageDown");
  await until("the wall at step 2", async () => (await current()).step === 2);
  await until("step 2 on the page", async () => (await page.$eval("#stepNumber", (e) => e.textContent)) === "2");
  // Right arrow and Space step on; PageUp steps back.
  await page.keyboard.press("ArrowRight");
  await until("the wall at step 3", async () => (await current()).step === 3);
  await page.keyboard.press("PageUp");
  await until("the wall back at step 2", async () => (await current()).step === 2);

  // Someone else steps with wallctl: the page follows the wall's event.
  execFileSync(env.WALLCTL, ["briefing", "goto", "4", "--url", url, "--token", token]);
  await until("the page following wallctl to step 4",
              async () => (await page.$eval("#stepNumber", (e) => e.textContent)) === "4");
  const notes = await page.$eval("#notes", (e) => e.textContent);
  if (!notes.includes("Bản đồ giải ngân")) fail(`step 4's notes are not shown: "${notes}"`);
  await until("the current step's picture", async () =>
    page.$eval("#currentPicture", (img) => img.complete && img.naturalWidth > 100 && img.src.startsWith("blob:")));
  await until("the next step's picture", async () =>
    page.$eval("#nextPicture", (img) => img.complete && img.naturalWidth > 100));
  await page.screenshot({ path: path.join(out, "presenter.png") });

  // "b" blanks the wall; again shows it.
  await page.keyboard.press("b");
  await until("the wall blank", async () => (await current()).blank === true);
  await until("the page showing the blank", async () => page.$eval("#blankBadge", (e) => !e.hidden));
  await page.keyboard.press(".");
  await until("the wall shown again", async () => (await current()).blank === false);

  // The big button ends it.
  await page.click("#end");
  await until("the briefing ended", async () => (await current()).active === false);
  console.log("presenter page: login, PageDown, ArrowRight, PageUp, wallctl follow, blank, end: ok");
});

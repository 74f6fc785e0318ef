// Two presenters at once, each on their own /present/ page in Debian's headless Chromium (two
// browser contexts, so two sessions), driven by puppeteer-core: the leader starts the briefing
// and holds the lock; the deputy's page follows every step live but is refused with the holder's
// name; the leader releases and the deputy takes over; the deputy's short lock warns before it
// runs out and then runs out, and the leader takes over again. Both pages show every step.
// Exit 0 = passed, 77 = skipped (no browser or peer), 1 = failed (the reason on stderr).
//
// env: OPSWALL_URL, LEADER_TOKEN (user e2e-leader), DEPUTY_TOKEN (user e2e-deputy), PEERS_DIR,
//      CHROMIUM, OUT_DIR, DEPUTY_LOCK_SECONDS (the deputy's lock, default 20)
import path from "node:path";
import { env, fail, logIn, openPresenter, out, run, startBrowser, until, url } from "./harness.mjs";

const deputyLock = parseInt(env.DEPUTY_LOCK_SECONDS || "20", 10);

async function wall(p) {
  const res = await fetch(`${url}/api/v1${p}`, { headers: { Authorization: `Bearer ${env.LEADER_TOKEN}` } });
  return res.json();
}
const text = (page, sel) => page.$eval(sel, (e) => e.textContent);
const lockState = (page) => page.$eval("#lockBar", (e) => e.dataset.state);

async function presenter(browser, token, query) {
  const page = await openPresenter(await browser.createBrowserContext(), query || "");
  await page.evaluate(() => { localStorage.setItem("opswall.lang", "en"); });
  await page.reload({ waitUntil: "load" });
  await logIn(page, token);
  return page;
}
async function bothAt(a, b, step) {
  await until(`the wall at step ${step}`, async () => (await wall("/briefings/current")).step === step);
  await until(`the leader's page at step ${step}`, async () => (await text(a, "#stepNumber")) === String(step));
  await until(`the deputy's page at step ${step}`, async () => (await text(b, "#stepNumber")) === String(step));
}

const browser = await startBrowser();
await run(browser, async () => {
  const leader = await presenter(browser, env.LEADER_TOKEN);
  const deputy = await presenter(browser, env.DEPUTY_TOKEN, `?lockSeconds=${deputyLock}`);

  // The leader starts: both pages show step 1; the leader holds the lock.
  await leader.waitForSelector("#briefingList button[data-briefing]", { timeout: 10000 });
  await leader.click("#briefingList button[data-briefing]");
  await until("the deputy's page following the start", async () => deputy.$eval("#presenter", (e) => !e.hidden));
  await bothAt(leader, deputy, 1);
  await until("the leader's lock on the leader's page", async () => (await lockState(leader)) === "mine");
  await until("the leader's lock on the deputy's page", async () => (await lockState(deputy)) === "other");
  if (!(await text(deputy, "#lockText")).includes("e2e-leader")) fail("the deputy's page does not name the holder");

  // The leader steps; the deputy's clicker is refused with the holder's name.
  await leader.keyboard.press("PageDown");
  await bothAt(leader, deputy, 2);
  await deputy.keyboard.press("PageDown");
  await until("the deputy refused", async () => (await text(deputy, "#message")).includes("locked by e2e-leader"));
  if ((await wall("/briefings/current")).step !== 2) fail("the refused step moved the wall");
  await deputy.screenshot({ path: path.join(out, "presenter-refused.png") });

  // The leader releases; the deputy takes over and steps; now the leader is refused.
  await leader.click("#lockButton");
  await until("the lock released", async () => (await wall("/lock")).locked === false);
  await until("the deputy's page seeing no lock", async () => (await lockState(deputy)) === "none");
  await deputy.click("#lockButton");
  await until("the deputy holding the lock", async () => (await wall("/lock")).holder === "e2e-deputy");
  await until("the leader's page naming the deputy", async () => (await text(leader, "#lockText")).includes("e2e-deputy"));
  await deputy.keyboard.press("PageDown");
  await bothAt(leader, deputy, 3);
  await leader.keyboard.press("ArrowRight");
  await until("the leader refused", async () => (await text(leader, "#message")).includes("locked by e2e-deputy"));
  if ((await wall("/briefings/current")).step !== 3) fail("the leader's refused step moved the wall");

  // The deputy's short lock warns before it runs out, then runs out.
  await until("the deputy's warning", async () => (await lockState(deputy)) === "warn", deputyLock * 1000);
  if (!(await text(deputy, "#lockText")).includes("runs out in")) fail("the warning does not say when");
  if ((await text(deputy, "#lockButton")) !== "Extend") fail("the warning offers no Extend");
  await deputy.screenshot({ path: path.join(out, "presenter-lock-warning.png") });
  await until("the deputy's lock run out", async () => (await lockState(deputy)) === "expired", deputyLock * 1000 + 5000);
  if (!(await text(deputy, "#lockText")).includes("has run out")) fail("the expiry is not said in words");
  await until("the leader's page seeing no lock", async () => (await lockState(leader)) === "none");

  // The leader takes over after the expiry and steps; both follow.
  await leader.click("#lockButton");
  await until("the leader holding the lock again", async () => (await wall("/lock")).holder === "e2e-leader");
  await leader.keyboard.press("PageDown");
  await bothAt(leader, deputy, 4);
  await deputy.keyboard.press("PageDown");
  await until("the deputy refused again", async () => (await text(deputy, "#message")).includes("locked by e2e-leader"));

  await leader.click("#end");
  await until("the briefing ended", async () => (await wall("/briefings/current")).active === false);
  await until("the deputy's page back at the list", async () => deputy.$eval("#choose", (e) => !e.hidden));
  console.log("two presenters: follow, refusal, release and take over, warning, expiry and take over: ok");
});

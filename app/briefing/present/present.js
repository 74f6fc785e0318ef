// The presenter view: logs in with a leader's token, follows the wall's events over the API's
// WebSocket (so two presenters stay in step), and steps the briefing through the same API as
// wallctl and the line protocol. Clickers: PageDown/Right/Space = next, PageUp/Left = previous,
// B or . = blank (again: show). The control lock: who holds it, take, release or extend it, a
// warning before the presenter's own lock runs out (at min(5 min, half its span) left) and a
// notice when it did. ?lockSeconds=N sets how long a lock taken here lasts (default 30 min).
(function () {
  "use strict";
  const api = "/api/v1";
  const $ = (id) => document.getElementById(id);
  const text = {
    vi: { "login.title": "Trình chiếu giao ban",
          "login.hint": "Nhập mã truy cập (token) của lãnh đạo để điều khiển tường màn hình.",
          "login.button": "Đăng nhập", "choose.title": "Chọn nội dung giao ban", step: "Bước",
          elapsed: "Đã trình bày", thisStep: "Bước này", onWall: "Đang trên tường màn hình",
          blanked: "Màn hình đang tắt", next: "Tiếp theo", prevButton: "◀ Trước",
          blankButton: "Tắt màn hình", unblankButton: "Bật màn hình", nextButton: "Tiếp ▶",
          endButton: "Kết thúc", start: "Bắt đầu", last: "(bước cuối)", badToken: "Mã truy cập không đúng.",
          steps: "bước", lockMine: "Bạn đang giữ quyền điều khiển tường ({0} còn lại)",
          lockWarn: "Quyền điều khiển của bạn sắp hết hạn sau {0}. Gia hạn để người khác không thay đổi tường màn hình.",
          lockExpired: "Quyền điều khiển của bạn đã hết hạn: người khác có thể thay đổi tường màn hình. Nhận lại để tiếp tục.",
          lockOther: "Tường màn hình đang bị khoá bởi {0} ({1}), còn {2}", lockNone: "Tường màn hình không bị khoá",
          take: "Nhận quyền điều khiển", release: "Trả quyền điều khiển", extend: "Gia hạn" },
    en: { "login.title": "Briefing presenter",
          "login.hint": "Enter a leader's access token to control the wall.",
          "login.button": "Log in", "choose.title": "Choose a briefing", step: "Step",
          elapsed: "Elapsed", thisStep: "This step", onWall: "On the wall now",
          blanked: "The wall is blank", next: "Next", prevButton: "◀ Previous",
          blankButton: "Blank the wall", unblankButton: "Show the wall", nextButton: "Next ▶",
          endButton: "End", start: "Start", last: "(last step)", badToken: "That token was refused.",
          steps: "steps", lockMine: "You hold the wall's lock ({0} left)",
          lockWarn: "Your lock on the wall runs out in {0}. Extend it to keep others off the wall.",
          lockExpired: "Your lock on the wall has run out: others can change the wall now. Take it again to keep control.",
          lockOther: "The wall is locked by {0} ({1}) for {2} more", lockNone: "The wall is not locked",
          take: "Take the lock", release: "Release the lock", extend: "Extend" },
  };
  let lang = localStorage.getItem("opswall.lang") || "vi";
  let token = sessionStorage.getItem("opswall.token") || "";
  let state = { active: false };
  let doc = null;          // the running briefing's document
  let docKey = "";         // "id:revision" of doc
  let socket = null;
  const pictures = new Map(); // "id:revision:step[:blank]" -> object URL
  let me = "";             // the token's user, from the event stream's hello
  let lock = { locked: false };
  let mineUntil = 0;       // the end of the lock this user holds (ms), 0 when none
  let lockExpired = false;
  const lockSeconds = Math.min(28800, Math.max(1, parseInt(new URLSearchParams(location.search).get("lockSeconds"), 10) || 1800));
  const fill = (s, ...args) => args.reduce((acc, a, i) => acc.replace("{" + i + "}", a), s);

  const t = (key) => (text[lang] && text[lang][key]) || text.vi[key] || key;
  const pick = (v) => (v && typeof v === "object" ? (lang === "en" && v.en ? v.en : v.vi) : v || "");

  function applyLanguage() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
    $("lang").textContent = lang === "vi" ? "EN" : "VI";
    render();
  }

  async function call(method, path, body) {
    const res = await fetch(api + path, {
      method, headers: { Authorization: "Bearer " + token, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const type = res.headers.get("Content-Type") || "";
    const data = type.startsWith("application/json") ? await res.json() : null;
    return { status: res.status, data };
  }

  function say(message) { $("message").textContent = message || ""; }

  async function act(verb, body) {
    if (!state.active) return;
    // A clicker's Space must not also press the button that last had the focus.
    if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
    const r = await call("POST", "/briefings/current/" + verb, body || {});
    if (r.status !== 200) { say(r.data && r.data.message ? r.data.message : "HTTP " + r.status); return; }
    say("");
    if (r.data && r.data.briefing) update(r.data.briefing);
  }

  async function picture(step, blank) {
    const key = state.id + ":" + state.revision + ":" + step + (blank ? ":blank" : "");
    if (pictures.has(key)) return pictures.get(key);
    const res = await fetch(api + "/briefings/" + state.id + "/steps/" + step + "/picture" + (blank ? "?blank=1" : ""),
                            { headers: { Authorization: "Bearer " + token } });
    if (!res.ok) return "";
    const url = URL.createObjectURL(await res.blob());
    pictures.set(key, url);
    return url;
  }

  async function showPictures() {
    const s = state;
    if (!s.active) return;
    // What the room sees: the blank screen while blanked.
    const current = await picture(s.step, s.blank);
    if (state.step === s.step && state.id === s.id && state.blank === s.blank) {
      $("currentPicture").src = current;
      $("currentPicture").dataset.blank = s.blank ? "1" : "0";
    }
    const hasNext = s.step < s.stepCount;
    $("nextPicture").hidden = !hasNext;
    if (hasNext) {
      const next = await picture(s.step + 1);
      if (state.step === s.step && state.id === s.id) $("nextPicture").src = next;
    }
  }

  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    const m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + String(s).padStart(2, "0");
  }

  function lockLeft() {
    if (!lock.locked) return 0;
    return Math.max(0, Math.ceil((Date.parse(lock.until) - Date.now()) / 1000));
  }
  function lockMine() { return lock.locked === true && me !== "" && lock.holder === me && lockLeft() > 0; }

  function renderLock() {
    if (mineUntil && Date.now() >= mineUntil) {
      // The lock this presenter held ran out without a release.
      mineUntil = 0;
      lockExpired = true;
      loadLock();
    }
    const left = lockLeft();
    const mine = lockMine();
    const span = lock.locked ? (Date.parse(lock.until) - Date.parse(lock.since)) / 1000 : 0;
    const warn = mine && left > 0 && left <= Math.min(300, span / 2);
    const bar = $("lockBar");
    bar.classList.toggle("warn", warn);
    bar.classList.toggle("expired", lockExpired && !mine);
    const held = lock.locked === true && left > 0; // a lock past its end holds nothing
    bar.dataset.state = lockExpired && !mine ? "expired" : warn ? "warn" : mine ? "mine" : held ? "other" : "none";
    let words;
    if (lockExpired && !mine) words = t("lockExpired");
    else if (warn) words = fill(t("lockWarn"), clock(left));
    else if (mine) words = fill(t("lockMine"), clock(left));
    else if (held) words = fill(t("lockOther"), lock.holder, lock.role, clock(left));
    else words = t("lockNone");
    $("lockText").textContent = words;
    $("lockButton").textContent = mine ? (warn ? t("extend") : t("release")) : t("take");
    $("lockButton").dataset.action = mine && !warn ? "release" : "take";
  }

  async function loadLock() {
    const r = await call("GET", "/lock");
    if (r.status !== 200) return;
    lock = r.data;
    if (lockMine()) { mineUntil = Date.parse(lock.until); lockExpired = false; }
    else if (mineUntil && Date.now() < mineUntil) mineUntil = 0; // released before it ran out
    if (lock.locked) lockExpired = false; // someone holds it now: say who instead
    renderLock();
  }

  async function lockAction() {
    if ($("lockButton").dataset.action === "release") {
      const r = await call("DELETE", "/lock");
      if (r.status !== 200) say(r.data && r.data.message ? r.data.message : "HTTP " + r.status);
      else { say(""); mineUntil = 0; }
    } else {
      const r = await call("POST", "/lock", { ttlSeconds: lockSeconds, reason: "presenter" });
      if (r.status !== 200) say(r.data && r.data.message ? r.data.message : "HTTP " + r.status);
      else say("");
    }
    await loadLock();
  }

  function tick() {
    renderLock();
    if (!state.active) return;
    const now = Date.now();
    const total = (now - Date.parse(state.startedAt)) / 1000;
    const step = (now - Date.parse(state.stepShownAt)) / 1000;
    $("elapsed").textContent = clock(total);
    $("elapsed").classList.toggle("over", state.plannedSeconds > 0 && total > state.plannedSeconds);
    $("planned").textContent = state.plannedSeconds > 0 ? clock(state.plannedSeconds) : "–";
    $("stepElapsed").textContent = clock(step);
    $("stepElapsed").classList.toggle("over", state.stepPlannedSeconds > 0 && step > state.stepPlannedSeconds);
    $("stepPlanned").textContent = state.stepPlannedSeconds > 0 ? clock(state.stepPlannedSeconds) : "–";
  }

  function render() {
    if (!token) return;
    $("presenter").hidden = !state.active;
    $("choose").hidden = state.active;
    if (!state.active) return;
    const steps = doc ? doc.steps : [];
    $("briefingTitle").textContent = pick(state.title);
    $("stepNumber").textContent = state.step;
    $("stepCount").textContent = state.stepCount;
    $("stepTitle").textContent = pick(state.stepTitle);
    $("nextTitle").textContent = state.nextTitle ? pick(state.nextTitle) : t("last");
    const step = steps[state.step - 1];
    $("notes").textContent = step ? pick(step.notes) : "";
    $("blankBadge").hidden = !state.blank;
    $("blank").textContent = state.blank ? t("unblankButton") : t("blankButton");
    $("blank").dataset.blank = state.blank ? "1" : "0";
    $("prev").disabled = state.step <= 1;
    $("next").disabled = state.step >= state.stepCount;
    const list = $("steps");
    list.textContent = "";
    steps.forEach((s, i) => {
      const li = document.createElement("li");
      li.textContent = pick(s.title);
      if (i + 1 === state.step) li.className = "current";
      li.addEventListener("click", () => act("goto", { step: i + 1 }));
      list.appendChild(li);
    });
    tick();
    showPictures();
  }

  async function update(next) {
    state = next || { active: false };
    if (state.active && docKey !== state.id + ":" + state.revision) {
      const r = await call("GET", "/briefings/" + state.id);
      if (r.status === 200) { doc = r.data.briefing; docKey = state.id + ":" + state.revision; }
    }
    render();
    if (!state.active) await listBriefings();
  }

  async function listBriefings() {
    const r = await call("GET", "/briefings");
    const list = $("briefingList");
    list.textContent = "";
    if (r.status !== 200) return;
    r.data.items.forEach((b) => {
      const li = document.createElement("li");
      const label = document.createElement("span");
      label.textContent = b.title + " (" + b.steps + " " + t("steps") + ")";
      const start = document.createElement("button");
      start.className = "primary";
      start.textContent = t("start");
      start.dataset.briefing = b.id;
      start.addEventListener("click", async () => {
        const s = await call("POST", "/briefings/" + b.id + "/start", {});
        if (s.status === 200) update(s.data.briefing);
        else $("loginError").textContent = s.data ? s.data.message : "HTTP " + s.status;
      });
      li.append(label, start);
      list.appendChild(li);
    });
  }

  function listen() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + api + "/events?access_token=" + encodeURIComponent(token));
    socket.onmessage = (m) => {
      let ev;
      try { ev = JSON.parse(m.data); } catch (e) { return; }
      if (typeof ev.type !== "string") return;
      if (ev.type === "hello") { me = ev.user || ""; loadLock(); return; }
      if (ev.type.startsWith("briefing.") && ev.briefing) update(ev.briefing);
      if (ev.type.startsWith("lock.") || ev.type === "briefing.start" || ev.type === "briefing.end") loadLock();
    };
    // The room network may drop: reconnect after a pause and catch up with the current state.
    socket.onclose = () => setTimeout(() => { if (token) { listen(); refresh(); } }, 2000);
  }

  async function refresh() {
    const r = await call("GET", "/briefings/current");
    if (r.status === 401) { logout(t("badToken")); return false; }
    if (r.status === 200) await update(r.data);
    return true;
  }

  function logout(why) {
    token = "";
    sessionStorage.removeItem("opswall.token");
    $("login").hidden = false;
    $("presenter").hidden = true;
    $("choose").hidden = true;
    $("loginError").textContent = why || "";
  }

  async function login(candidate) {
    token = candidate;
    if (!(await refresh())) return;
    sessionStorage.setItem("opswall.token", token);
    $("login").hidden = true;
    listen();
  }

  $("loginForm").addEventListener("submit", (e) => { e.preventDefault(); login($("token").value.trim()); });
  $("next").addEventListener("click", () => act("next"));
  $("prev").addEventListener("click", () => act("previous"));
  $("blank").addEventListener("click", () => act(state.blank ? "unblank" : "blank"));
  $("end").addEventListener("click", () => act("end"));
  $("lockButton").addEventListener("click", () => lockAction());
  $("lang").addEventListener("click", () => {
    lang = lang === "vi" ? "en" : "vi";
    localStorage.setItem("opswall.lang", lang);
    applyLanguage();
  });
  document.addEventListener("keydown", (e) => {
    if (!state.active || e.target.tagName === "INPUT") return;
    const k = e.key;
    if (k === "PageDown" || k === "ArrowRight" || k === " " || k === "Spacebar") act("next");
    else if (k === "PageUp" || k === "ArrowLeft") act("previous");
    else if (k === "b" || k === "B" || k === ".") act(state.blank ? "unblank" : "blank");
    else return;
    e.preventDefault();
  });
  setInterval(tick, 1000);
  applyLanguage();
  if (token) login(token);
})();

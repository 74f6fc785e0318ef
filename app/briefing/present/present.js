// The presenter view: logs in with a leader's token, follows the wall's events over the API's
// WebSocket (so two presenters stay in step), and steps the briefing through the same API as
// wallctl and the line protocol. Clickers: PageDown/Right/Space = next, PageUp/Left = previous,
// B or . = blank (again: show).
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
          steps: "bước" },
    en: { "login.title": "Briefing presenter",
          "login.hint": "Enter a leader's access token to control the wall.",
          "login.button": "Log in", "choose.title": "Choose a briefing", step: "Step",
          elapsed: "Elapsed", thisStep: "This step", onWall: "On the wall now",
          blanked: "The wall is blank", next: "Next", prevButton: "◀ Previous",
          blankButton: "Blank the wall", unblankButton: "Show the wall", nextButton: "Next ▶",
          endButton: "End", start: "Start", last: "(last step)", badToken: "That token was refused.",
          steps: "steps" },
  };
  let lang = localStorage.getItem("opswall.lang") || "vi";
  let token = sessionStorage.getItem("opswall.token") || "";
  let state = { active: false };
  let doc = null;          // the running briefing's document
  let docKey = "";         // "id:revision" of doc
  let socket = null;
  const pictures = new Map(); // "id:revision:step" -> object URL

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

  async function picture(step) {
    const key = state.id + ":" + state.revision + ":" + step;
    if (pictures.has(key)) return pictures.get(key);
    const res = await fetch(api + "/briefings/" + state.id + "/steps/" + step + "/picture",
                            { headers: { Authorization: "Bearer " + token } });
    if (!res.ok) return "";
    const url = URL.createObjectURL(await res.blob());
    pictures.set(key, url);
    return url;
  }

  async function showPictures() {
    const s = state;
    if (!s.active) return;
    const current = await picture(s.step);
    if (state.step === s.step && state.id === s.id) $("currentPicture").src = current;
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

  function tick() {
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
      if (typeof ev.type === "string" && ev.type.startsWith("briefing.") && ev.briefing) update(ev.briefing);
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

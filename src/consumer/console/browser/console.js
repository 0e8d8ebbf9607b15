// @ts-check
// The operator console's one script, type-checked as browser JavaScript
// (src/console/browser/tsconfig.json, part of npm run typecheck) and served by
// the consumer Worker as text (assets.ts; wrangler.toml [[rules]]). It only
// enhances: every action also works as a plain form post. It polls a replay
// job and follows a backfill's nextFrom.

const DAY_MS = 86_400_000;

document.addEventListener("DOMContentLoaded", () => {
  for (const all of document.querySelectorAll("input[data-select-all]")) {
    if (!(all instanceof HTMLInputElement)) continue;
    all.addEventListener("change", () => {
      for (const box of document.querySelectorAll("input[name=ids]")) if (box instanceof HTMLInputElement) box.checked = all.checked;
    });
  }
  const job = document.querySelector("[data-replay-job]");
  if (job instanceof HTMLElement) void followReplay(job);
  const backfill = document.querySelector("form[data-backfill]");
  if (backfill instanceof HTMLFormElement)
    backfill.addEventListener("submit", (e) => {
      e.preventDefault();
      void followBackfill(backfill);
    });
});

/**
 * POSTs JSON to the console's own endpoint and returns its JSON answer; a non-2xx throws with the server's message.
 * @param {string} url
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
async function postJson(url, body) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body ?? {}),
    credentials: "same-origin",
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.message || `HTTP ${res.status}`);
  return data;
}

/**
 * @param {Element} root
 * @param {string} name
 * @param {unknown} value
 */
function show(root, name, value) {
  const el = root.querySelector(`[data-field=${name}]`);
  if (el) el.textContent = String(value);
}

/** @param {unknown} err */
const messageOf = (err) => (err instanceof Error ? err.message : String(err));

/** @param {HTMLElement} root a [data-replay-job] section */
async function followReplay(root) {
  const url = root.dataset.continueUrl;
  const bar = root.querySelector("progress");
  /** @type {{ status: string, total: number, enqueued: number, skipped: number }} */
  let job = JSON.parse(root.dataset.replayJob ?? "{}");
  if (!url || !bar) return;
  while (job.status === "running") {
    try {
      job = await postJson(url);
    } catch (err) {
      show(root, "status", `error: ${messageOf(err)}`);
      return;
    }
    const done = job.enqueued + job.skipped;
    bar.max = Math.max(job.total, 1);
    bar.value = Math.min(done, bar.max);
    show(root, "enqueued", job.enqueued);
    show(root, "skipped", job.skipped);
    show(root, "status", job.status);
  }
  const form = root.querySelector("form");
  if (form) form.hidden = true;
}

/** @param {HTMLFormElement} form the backfill form */
async function followBackfill(form) {
  /** @type {Record<string, string>} */
  const data = {};
  // Empty fields are left out: the server's validator reads absent, not "", as "all".
  for (const [k, v] of new FormData(form)) if (typeof v === "string" && v !== "") data[k] = v;
  const out = document.querySelector("[data-backfill-progress]");
  const bar = out?.querySelector("progress");
  const url = form.dataset.backfill;
  if (!(out instanceof HTMLElement) || !bar || !url || !data.from || !data.to) return;
  out.hidden = false;
  const span = Date.parse(data.to) - Date.parse(data.from) + DAY_MS;
  let from = data.from;
  let rows = 0;
  let keys = 0;
  for (;;) {
    /** @type {{ rows?: number, keysDone?: number, complete: boolean, nextFrom: string }} */
    let r;
    try {
      r = await postJson(url, { ...data, from });
    } catch (err) {
      show(out, "status", `error: ${messageOf(err)}`);
      return;
    }
    rows += r.rows ?? 0;
    keys += r.keysDone ?? 0;
    show(out, "rows", rows);
    show(out, "keys", keys);
    if (r.complete) {
      bar.value = bar.max;
      show(out, "status", "complete");
      return;
    }
    from = r.nextFrom;
    bar.max = span;
    bar.value = Math.max(0, Date.parse(from) - Date.parse(data.from));
    show(out, "status", `recomputing from ${from}`);
  }
}

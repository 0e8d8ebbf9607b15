/**
 * The console's stylesheet and its one script, served from the Worker (no
 * build step, no CDN). The script only enhances: every action also works as a
 * plain form post. It polls a replay job and follows a backfill's `nextFrom`.
 */
export const ASSET_PATHS = { css: "/console/assets/console-v1.css", js: "/console/assets/console-v1.js" } as const;

export const CONSOLE_CSS = `
:root { color-scheme: light; --fg: #1c2330; --muted: #5a6577; --line: #d8dde6; --bg: #f6f7f9; --accent: #1f5fbf; --bad: #a4262c; --ok: #1b7a3d; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
.top { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1.5rem; background: #fff; border-bottom: 1px solid var(--line); }
.brand { font-weight: 700; text-decoration: none; color: var(--fg); } .brand span { font-weight: 400; color: var(--muted); }
nav { display: flex; gap: 1rem; flex: 1; } nav a { text-decoration: none; padding: .2rem 0; }
nav a[aria-current="page"] { font-weight: 600; border-bottom: 2px solid var(--accent); color: var(--fg); }
main { max-width: 1200px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; } h2 { font-size: 1.15rem; margin: 1.75rem 0 .6rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: .75rem; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .7rem .9rem; }
.card .n { font-size: 1.45rem; font-weight: 650; font-variant-numeric: tabular-nums; } .card .l { color: var(--muted); font-size: .85rem; }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #eef1f5; font-weight: 600; font-size: .85rem; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:hover { background: #f9fbff; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85rem; }
pre { background: #fff; border: 1px solid var(--line); padding: .8rem; overflow: auto; max-height: 32rem; white-space: pre-wrap; word-break: break-word; }
form.filters { display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: flex-end; background: #fff; border: 1px solid var(--line); padding: .75rem; margin-bottom: 1rem; }
label { display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); gap: .2rem; }
input, select, textarea { font: inherit; color: var(--fg); padding: .3rem .45rem; border: 1px solid #aeb6c4; border-radius: 4px; background: #fff; }
button { font: inherit; padding: .35rem .8rem; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.secondary, .logout button { background: #fff; color: var(--accent); } button.danger { background: var(--bad); border-color: var(--bad); }
:focus-visible { outline: 3px solid #f2b600; outline-offset: 1px; }
.chips { display: flex; flex-wrap: wrap; gap: .4rem; margin: .5rem 0 1rem; } .chip { background: #fff; border: 1px solid var(--line); border-radius: 999px; padding: .1rem .6rem; text-decoration: none; }
.empty { background: #fff; border: 1px dashed #b9c1cf; padding: 1rem; color: var(--muted); }
.actions { display: flex; flex-wrap: wrap; gap: .6rem; align-items: flex-end; margin: .75rem 0; }
.status-pending { color: var(--bad); font-weight: 600; } .status-replayed { color: var(--ok); } .status-discarded { color: var(--muted); }
.notice { background: #fff8e1; border: 1px solid #f2d27a; padding: .6rem .8rem; } .error { background: #fdecec; border: 1px solid #e7a4a7; padding: .6rem .8rem; }
dl.fields { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; background: #fff; border: 1px solid var(--line); padding: .8rem; } dl.fields dt { color: var(--muted); } dl.fields dd { margin: 0; }
progress { width: 100%; height: 1.1rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 1rem; }
figure { margin: 0; background: #fff; border: 1px solid var(--line); padding: .6rem; } figcaption { font-size: .85rem; color: var(--muted); margin-bottom: .3rem; }
svg.chart { width: 100%; height: auto; } svg.chart .bar { fill: #3b78d8; } svg.chart .bar.bad { fill: #c4444b; } svg.chart text { font-size: 10px; fill: #5a6577; } svg.chart line { stroke: #d8dde6; }
.login { max-width: 24rem; margin: 3rem auto; background: #fff; border: 1px solid var(--line); padding: 1.5rem; display: flex; flex-direction: column; gap: 1rem; }
.pager { margin: 1rem 0; }
`;

export const CONSOLE_JS = `
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const all of document.querySelectorAll("input[data-select-all]")) {
    all.addEventListener("change", () => {
      for (const box of document.querySelectorAll("input[name=ids]")) box.checked = all.checked;
    });
  }
  const job = document.querySelector("[data-replay-job]");
  if (job) followReplay(job);
  const backfill = document.querySelector("form[data-backfill]");
  if (backfill) backfill.addEventListener("submit", (e) => { e.preventDefault(); followBackfill(backfill); });
});

async function postJson(url, body) {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body ?? {}), credentials: "same-origin" });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.message || ("HTTP " + res.status));
  return data;
}

function show(root, name, value) {
  const el = root.querySelector("[data-field=" + name + "]");
  if (el) el.textContent = String(value);
}

async function followReplay(root) {
  const url = root.getAttribute("data-continue-url");
  const bar = root.querySelector("progress");
  let job = JSON.parse(root.getAttribute("data-replay-job"));
  while (job.status === "running") {
    try { job = await postJson(url); } catch (err) { show(root, "status", "error: " + err.message); return; }
    const done = job.enqueued + job.skipped;
    bar.max = Math.max(job.total, 1); bar.value = Math.min(done, bar.max);
    show(root, "enqueued", job.enqueued); show(root, "skipped", job.skipped); show(root, "status", job.status);
  }
  const form = root.querySelector("form"); if (form) form.hidden = true;
}

async function followBackfill(form) {
  const data = Object.fromEntries(new FormData(form));
  const out = document.querySelector("[data-backfill-progress]");
  const bar = out.querySelector("progress");
  out.hidden = false;
  const span = Date.parse(data.to) - Date.parse(data.from) + 86400000;
  let from = data.from, rows = 0, keys = 0;
  for (;;) {
    let r;
    try { r = await postJson(form.getAttribute("data-backfill"), { ...data, from }); } catch (err) { show(out, "status", "error: " + err.message); return; }
    rows += r.rows ?? 0; keys += r.keysDone ?? 0;
    show(out, "rows", rows); show(out, "keys", keys);
    if (r.complete) { bar.value = bar.max; show(out, "status", "complete"); return; }
    from = r.nextFrom;
    bar.max = span; bar.value = Math.max(0, Date.parse(from) - Date.parse(data.from));
    show(out, "status", "recomputing from " + from);
  }
}
`;

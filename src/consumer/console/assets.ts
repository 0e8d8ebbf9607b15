/**
 * The console's stylesheet and its one script, served from the Worker (no
 * build step, no CDN). The script is a checked source file of its own
 * (browser/console.js), imported as text (wrangler.toml [[rules]] Text).
 */
import CONSOLE_JS from "./browser/console.js";
import { consolePaths } from "./console-paths.ts";

export { CONSOLE_JS };

export const ASSET_PATHS = { css: consolePaths.asset("console-v1.css"), js: consolePaths.asset("console-v1.js") } as const;

export const CONSOLE_CSS = `
:root {
  color-scheme: light;
  --fg: #1c2330;
  --muted: #5a6577;
  --line: #d8dde6;
  --bg: #f6f7f9;
  --accent: #1f5fbf;
  --bad: #a4262c;
  --ok: #1b7a3d;
}
* {
  box-sizing: border-box;
}
body {
  margin: 0;
  font:
    15px / 1.45 system-ui,
    -apple-system,
    "Segoe UI",
    sans-serif;
  color: var(--fg);
  background: var(--bg);
}
a {
  color: var(--accent);
}
.top {
  display: flex;
  gap: 1.5rem;
  align-items: center;
  padding: 0.6rem 1.5rem;
  background: #fff;
  border-bottom: 1px solid var(--line);
}
.brand {
  font-weight: 700;
  text-decoration: none;
  color: var(--fg);
}
.brand span {
  font-weight: 400;
  color: var(--muted);
}
nav {
  display: flex;
  gap: 1rem;
  flex: 1;
}
nav a {
  text-decoration: none;
  padding: 0.2rem 0;
}
nav a[aria-current="page"] {
  font-weight: 600;
  border-bottom: 2px solid var(--accent);
  color: var(--fg);
}
main {
  max-width: 1200px;
  margin: 0 auto;
  padding: 1rem 1.5rem 3rem;
}
h1 {
  font-size: 1.5rem;
  margin: 0.5rem 0 1rem;
}
h2 {
  font-size: 1.15rem;
  margin: 1.75rem 0 0.6rem;
}
.cards {
  display: grid;
  grid-template-columns: repeat(auto-fill, minmax(170px, 1fr));
  gap: 0.75rem;
}
.card {
  background: #fff;
  border: 1px solid var(--line);
  border-radius: 6px;
  padding: 0.7rem 0.9rem;
}
.card .n {
  font-size: 1.45rem;
  font-weight: 650;
  font-variant-numeric: tabular-nums;
}
.card .l {
  color: var(--muted);
  font-size: 0.85rem;
}
table {
  border-collapse: collapse;
  width: 100%;
  background: #fff;
  border: 1px solid var(--line);
}
th,
td {
  text-align: left;
  padding: 0.4rem 0.6rem;
  border-bottom: 1px solid var(--line);
  vertical-align: top;
}
th {
  background: #eef1f5;
  font-weight: 600;
  font-size: 0.85rem;
}
td.num,
th.num {
  text-align: right;
  font-variant-numeric: tabular-nums;
}
tbody tr:hover {
  background: #f9fbff;
}
code,
pre {
  font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
  font-size: 0.85rem;
}
pre {
  background: #fff;
  border: 1px solid var(--line);
  padding: 0.8rem;
  overflow: auto;
  max-height: 32rem;
  white-space: pre-wrap;
  word-break: break-word;
}
form.filters {
  display: flex;
  flex-wrap: wrap;
  gap: 0.6rem 1rem;
  align-items: flex-end;
  background: #fff;
  border: 1px solid var(--line);
  padding: 0.75rem;
  margin-bottom: 1rem;
}
label {
  display: flex;
  flex-direction: column;
  font-size: 0.85rem;
  color: var(--muted);
  gap: 0.2rem;
}
input,
select,
textarea {
  font: inherit;
  color: var(--fg);
  padding: 0.3rem 0.45rem;
  border: 1px solid #aeb6c4;
  border-radius: 4px;
  background: #fff;
}
button {
  font: inherit;
  padding: 0.35rem 0.8rem;
  border-radius: 4px;
  border: 1px solid var(--accent);
  background: var(--accent);
  color: #fff;
  cursor: pointer;
}
button.secondary,
.logout button {
  background: #fff;
  color: var(--accent);
}
button.danger {
  background: var(--bad);
  border-color: var(--bad);
}
:focus-visible {
  outline: 3px solid #f2b600;
  outline-offset: 1px;
}
.chips {
  display: flex;
  flex-wrap: wrap;
  gap: 0.4rem;
  margin: 0.5rem 0 1rem;
}
.chip {
  background: #fff;
  border: 1px solid var(--line);
  border-radius: 999px;
  padding: 0.1rem 0.6rem;
  text-decoration: none;
}
.empty {
  background: #fff;
  border: 1px dashed #b9c1cf;
  padding: 1rem;
  color: var(--muted);
}
.actions {
  display: flex;
  flex-wrap: wrap;
  gap: 0.6rem;
  align-items: flex-end;
  margin: 0.75rem 0;
}
.status-pending {
  color: var(--bad);
  font-weight: 600;
}
.status-replayed {
  color: var(--ok);
}
.status-discarded {
  color: var(--muted);
}
.notice {
  background: #fff8e1;
  border: 1px solid #f2d27a;
  padding: 0.6rem 0.8rem;
}
.error {
  background: #fdecec;
  border: 1px solid #e7a4a7;
  padding: 0.6rem 0.8rem;
}
dl.fields {
  display: grid;
  grid-template-columns: max-content 1fr;
  gap: 0.3rem 1rem;
  background: #fff;
  border: 1px solid var(--line);
  padding: 0.8rem;
}
dl.fields dt {
  color: var(--muted);
}
dl.fields dd {
  margin: 0;
}
progress {
  width: 100%;
  height: 1.1rem;
}
.charts {
  display: grid;
  grid-template-columns: repeat(auto-fill, minmax(340px, 1fr));
  gap: 1rem;
}
figure {
  margin: 0;
  background: #fff;
  border: 1px solid var(--line);
  padding: 0.6rem;
}
figcaption {
  font-size: 0.85rem;
  color: var(--muted);
  margin-bottom: 0.3rem;
}
svg.chart {
  width: 100%;
  height: auto;
}
svg.chart .bar {
  fill: #3b78d8;
}
svg.chart .bar.bad {
  fill: #c4444b;
}
svg.chart text {
  font-size: 10px;
  fill: #5a6577;
}
svg.chart line {
  stroke: #d8dde6;
}
.login {
  max-width: 24rem;
  margin: 3rem auto;
  background: #fff;
  border: 1px solid var(--line);
  padding: 1.5rem;
  display: flex;
  flex-direction: column;
  gap: 1rem;
}
.pager {
  margin: 1rem 0;
}
`;

/**
 * Every URL of the operator console, built in one place: the console is
 * mounted at /console (consumer/index.ts), and a page links to another only through
 * these. Ids are path-encoded; queries come from console-form.ts. Pure.
 */
export const CONSOLE_ROOT = "/console";

const at = (path = "") => `${CONSOLE_ROOT}${path}`;
const segment = (s: string) => encodeURIComponent(s);

export const consolePaths = {
  overview: at(),
  login: at("/login"),
  loginThen: (next: string) => at(`/login?next=${encodeURIComponent(next)}`),
  logout: at("/logout"),
  deadLetters: (query = "") => at(`/dead-letters${query}`),
  deadLetter: (id: string) => at(`/dead-letters/${segment(id)}`),
  eventLookup: (query = "") => at(`/events${query}`),
  replayPreview: at("/replay/preview"),
  replay: at("/replay"),
  replayJob: (id: string) => at(`/replay-jobs/${segment(id)}`),
  replayJobContinue: (id: string) => at(`/replay-jobs/${segment(id)}/continue`),
  replayJobContinueJson: (id: string) => at(`/replay-jobs/${segment(id)}/continue.json`),
  discard: at("/discard"),
  rollups: (query = "") => at(`/rollups${query}`),
  rollupsBackfill: at("/rollups/backfill"),
  rollupsBackfillJson: at("/rollups/backfill.json"),
  rollupsRun: at("/rollups/run"),
  definitions: at("/rollup-definitions"),
  definition: (name: string, query = "") => at(`/rollup-definitions/${segment(name)}${query}`),
  definitionsRefresh: (name: string) => at(`/rollup-definitions/${segment(name)}/refresh`),
  asset: (file: string) => at(`/assets/${file}`),
} as const;

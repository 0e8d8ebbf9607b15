/**
 * The limits of rollups that users define, stated once (docs/configuration.md
 * gives what each costs). Pure.
 */
export const ROLLUP_LIMITS = {
  /** Definitions a deployment may hold: each is one statement per cron run. */
  maxDefinitions: 50,
  maxDimensions: 4,
  minMeasures: 1,
  maxMeasures: 8,
  /**
   * Values a distinct measure's cell may hold. A step that adds to a cell
   * rewrites its set (eventline_key_union), so what a cell costs a run grows
   * with it (bench:rollup-definitions); a step that would pass it fails, and
   * says so, rather than count inexactly.
   */
  maxDistinctPerCell: 1_000_000,
  /** Characters of a JSON Pointer. */
  maxPointerLength: 256,
  /** Rows of GET /admin/rollups/{name}/data per page. */
  maxPageRows: 10_000,
  defaultPageRows: 1_000,
} as const;

/** A definition's name: in paths, CLI arguments and log lines. */
export const ROLLUP_NAME_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;

/** A dimension's or measure's name: a column of the data, a query parameter for a dimension. */
export const OUTPUT_NAME_PATTERN = /^[a-z][a-zA-Z0-9_]{0,62}$/;

/** Names the data's columns and query string already use. */
export const RESERVED_OUTPUT_NAMES: readonly string[] = ["bucket", "from", "to", "format", "limit", "cursor"];

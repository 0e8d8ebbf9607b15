/**
 * A step of a rollup definition would leave a distinct measure's cell with
 * more values than ROLLUP_LIMITS.maxDistinctPerCell. The step is rolled back
 * and fails the same way until the definition changes (a finer granularity,
 * another dimension): the cron records it as the definition's lastError, and
 * no cell is ever counted inexactly.
 */
export class DistinctLimitError extends Error {
  override readonly name = "DistinctLimitError";
  readonly code = "distinct_limit_exceeded";
  readonly largest: number;
  readonly limit: number;

  constructor(largest: number, limit: number) {
    super(
      `a cell of a distinct measure would hold ${largest} values, over the limit of ${limit} per cell: ` +
        "define the rollup with a finer granularity or another dimension (docs/configuration.md)",
    );
    this.largest = largest;
    this.limit = limit;
  }
}

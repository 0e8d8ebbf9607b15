/** A value no other test run uses: tests share one database and one queue. */
export const uniq = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

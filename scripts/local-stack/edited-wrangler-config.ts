// A copy of ./wrangler.toml with some lines rewritten, for a stack that needs
// different settings (tests with fewer retries, a benchmark without a binding).
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

/**
 * Writes the edited copy into `dir` and returns its path. Every `main` is
 * pointed back at this repository's file (the copy lives elsewhere). An edit
 * that matches nothing throws: a silently unedited config would measure or
 * test the wrong thing.
 */
export async function writeEditedWranglerConfig(dir: string, edits: readonly [RegExp, string][]): Promise<string> {
  let toml = (await readFile("wrangler.toml", "utf8")).replace(
    /^main = "(.*)"$/gm,
    (_, path: string) => `main = ${JSON.stringify(resolve(path))}`,
  );
  for (const [pattern, replacement] of edits) {
    if (!new RegExp(pattern.source, pattern.flags.replace("g", "")).test(toml))
      throw new Error(`wrangler.toml has nothing matching ${pattern}`);
    toml = toml.replace(pattern, replacement);
  }
  const path = join(dir, "wrangler.toml");
  await writeFile(path, toml);
  return path;
}

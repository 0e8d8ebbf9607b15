// The documentation's relative links and anchors resolve: README.md, docs/,
// bench/README.md and client/README.md. Anchors are GitHub's heading slugs
// (github-slugger, the library GitHub's own renderer uses).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import GithubSlugger from "github-slugger";
import { describe, expect, it } from "vitest";

const FILES = [
  "README.md",
  "bench/README.md",
  "client/README.md",
  ...readdirSync("docs")
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** Markdown without fenced code blocks, where a # line is not a heading and brackets are not links… */
const withoutFences = (md: string) => md.replace(/^```[\s\S]*?^```/gm, "");
/** …nor in inline code. */
const prose = (md: string) => withoutFences(md).replace(/`[^`\n]*`/g, "");

function anchorsOf(file: string): Set<string> {
  const slugger = new GithubSlugger();
  const headings = withoutFences(readFileSync(file, "utf8")).match(/^#{1,6} .+$/gm) ?? [];
  return new Set(headings.map((h) => slugger.slug(h.replace(/^#+ /, "").trim())));
}

function linksOf(file: string): string[] {
  return [...prose(readFileSync(file, "utf8")).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}

describe("documentation links", () => {
  it.each(FILES)("%s: every relative link names a file that exists, and an anchor it has", (file) => {
    const broken: string[] = [];
    for (const link of linksOf(file)) {
      if (/^[a-z]+:/i.test(link)) continue; // http(s), mailto: not ours to check here
      const [path, anchor] = link.split("#") as [string, string | undefined];
      const target = path === "" ? file : join(dirname(file), path);
      if (!existsSync(resolve(target))) {
        broken.push(`${link} (no file ${target})`);
        continue;
      }
      if (anchor !== undefined && target.endsWith(".md") && !anchorsOf(target).has(anchor))
        broken.push(`${link} (no heading #${anchor} in ${target})`);
    }
    expect(broken).toEqual([]);
  });

  it("keeps the README an entrance: at most 12 KB", () => {
    expect(readFileSync("README.md").length).toBeLessThanOrEqual(12 * 1024);
  });
});

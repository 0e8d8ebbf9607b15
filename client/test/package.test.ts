// The packages as npm would publish them: @eventline/protocol, then the
// client against it, each built by its own tsconfig against the DOM's types
// only (no Node, no Workers types, so nothing runtime-specific), importable
// as plain ESM, with declarations; the client's one dependency is the protocol.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");
let outDir: string | undefined;
afterAll(() => (outDir ? rm(outDir, { recursive: true, force: true }) : undefined));

describe("@eventline/client package", () => {
  it("builds to ESM with types, on @eventline/protocol and nothing else", async () => {
    outDir = await mkdtemp(join(tmpdir(), "eventline-client-"));
    const tsc = resolve(root, "../node_modules/typescript/bin/tsc");
    // The protocol's dist is what the client's build resolves (published, it is what installs).
    await promisify(execFile)(process.execPath, [tsc, "-p", resolve(root, "../packages/protocol/tsconfig.build.json")]);
    await promisify(execFile)(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json"), "--outDir", outDir]);
    expect((await stat(join(outDir, "index.d.ts"))).isFile()).toBe(true);
    const mod = await import(pathToFileURL(join(outDir, "index.js")).href);
    expect(Object.keys(mod).sort()).toEqual([
      "Eventline",
      "FAILURE_CODES",
      "SIGNATURE_HEADER",
      "WIRE_LIMITS",
      "canonicalRequest",
      "signRequest",
      "signatureHeader",
      "signingKey",
      "uuidv7",
    ]);
    const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
    expect(pkg.dependencies).toEqual({ "@eventline/protocol": "0.1.0" });
    // The source condition is this repository's own (packages/protocol/README.md); published, types and default are what resolve.
    expect(pkg.exports["."]).toEqual({ "eventline-source": "./src/index.ts", types: "./dist/index.d.ts", default: "./dist/index.js" });
  });
});

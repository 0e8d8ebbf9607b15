// Prisma's schema engine (the code behind `prisma migrate`), compiled to
// WebAssembly and driven through a driver adapter. The Prisma CLI would instead
// download a native binary from a host an offline machine cannot reach.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

const require = createRequire(import.meta.url);

export type SchemaEngine = import("@prisma/schema-engine-wasm").SchemaEngine;

let loaded: Promise<typeof import("@prisma/schema-engine-wasm")> | undefined;

/**
 * Loads the wasm module the way wasm-bindgen's bundler target expects, without
 * a bundler. Once per process: the glue module caches views of the instance's
 * memory, so a second instance behind the same glue would read garbage.
 */
function loadEngineModule() {
  loaded ??= instantiateEngine();
  return loaded;
}

async function instantiateEngine() {
  const bgPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const bg = await import(bgPath);
  const pkgDir = dirname(bgPath);
  const bytes = await readFile(join(pkgDir, "schema_engine_bg.wasm"));
  // Typed loosely: the Workers and Node typings disagree about WebAssembly's shape.
  const wasm = WebAssembly as unknown as {
    Module: new (b: Uint8Array) => object;
    Instance: new (m: object, i: object) => { exports: Record<string, unknown> };
  };
  const instance = new wasm.Instance(new wasm.Module(bytes), { "./schema_engine_bg.js": bg });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
  return bg as typeof import("@prisma/schema-engine-wasm");
}

/**
 * @prisma/adapter-pg runs a migration script by splitting it on every ";",
 * which breaks a function body in dollar quotes (src/db/functions.ts). The
 * native schema engine sends a script whole; so do adapters from this factory,
 * in one simple-protocol query.
 */
function wholeScripts(factory: PrismaPg): PrismaPg {
  type Adapter = Awaited<ReturnType<PrismaPg["connect"]>> & {
    client: { query(sql: string): Promise<unknown> };
    onError(e: unknown): never;
  };
  const patch = (adapter: Adapter) => {
    adapter.executeScript = async (script: string) => {
      try {
        await adapter.client.query(script);
      } catch (err) {
        adapter.onError(err);
      }
    };
    return adapter;
  };
  const connect = factory.connect.bind(factory);
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  factory.connect = async () => patch((await connect()) as Adapter);
  factory.connectToShadowDb = async () => patch((await connectToShadowDb()) as Adapter);
  return factory;
}

export interface EngineSession {
  engine: SchemaEngine;
  close(): Promise<void>;
}

/** Opens a schema engine connected to `directUrl` (a postgres:// URL, never the pool). */
export async function openSchemaEngine(directUrl: string, schemaPath: string): Promise<EngineSession> {
  const mod = await loadEngineModule();
  const schema = await readFile(schemaPath, "utf8");
  // One connection is enough for migrations and keeps the embedded database single-session.
  const factory = wholeScripts(new PrismaPg({ connectionString: directUrl, max: 1 }));
  const logs: string[] = [];
  const engine = await mod.SchemaEngine.new(
    { datamodels: [[schemaPath, schema]] },
    (line: string) => logs.push(line),
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  return {
    engine,
    async close() {
      engine.free();
    },
  };
}

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
  // The engine races its work against timers it never clears (10 s): unreferenced, they no longer keep a
  // script that migrated alive after its work. While the engine works, its open connection keeps Node running.
  const imports: Record<string, unknown> = { ...bg };
  for (const name of Object.keys(bg).filter((k) => k.startsWith("__wbg_setTimeout_"))) {
    const set = bg[name] as (...args: unknown[]) => { unref?: () => void };
    imports[name] = (...args: unknown[]) => {
      const timer = set(...args);
      timer?.unref?.();
      return timer;
    };
  }
  const instance = new wasm.Instance(new wasm.Module(bytes), { "./schema_engine_bg.js": imports });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
  return bg as typeof import("@prisma/schema-engine-wasm");
}

type Connected = Awaited<ReturnType<PrismaPg["connect"]>>;

/** The catalog's one-byte "char" type (pg_class.relkind and friends), which adapter-pg has no column type for. */
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/**
 * Two differences from the native schema engine, mended on adapters from this factory:
 * - @prisma/adapter-pg runs a migration script by splitting it on every ";",
 *   which breaks a function body in dollar quotes (src/consumer/db/functions.ts). The
 *   native engine sends a script whole; so do these adapters, in one
 *   simple-protocol query.
 * - Reading a database's schema (a diff from migrations, which replays them on
 *   a shadow database) selects catalog columns of type "char", which
 *   adapter-pg refuses ("Column type 'char' could not be deserialized"); node-postgres
 *   already reads them as one-character strings, so they are passed on as text.
 */
function engineAdapterFactory(factory: PrismaPg, opened: Connected[]): PrismaPg {
  type Fields = { fields: { dataTypeID: number }[] };
  // The members patched here are the adapter's internals (performIO is private in its typings).
  type Adapter = {
    client: { query(sql: string): Promise<unknown> };
    onError(e: unknown): never;
    performIO(query: unknown): Promise<Fields>;
    executeScript(script: string): Promise<void>;
  };
  const patch = (connected: Connected): Connected => {
    const adapter = connected as unknown as Adapter;
    const performIO = adapter.performIO.bind(adapter);
    adapter.performIO = async (query: unknown) => {
      const result = await performIO(query);
      for (const f of result.fields) if (f.dataTypeID === PG_CHAR_OID) f.dataTypeID = PG_TEXT_OID;
      return result;
    };
    adapter.executeScript = async (script: string) => {
      try {
        await adapter.client.query(script);
      } catch (err) {
        adapter.onError(err);
      }
    };
    return connected;
  };
  const connect = factory.connect.bind(factory);
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  // Only the engine's own connections are closed at the end: the one a shadow
  // database opens inside connectToShadowDb drops that database when the engine
  // releases it, which may happen after close() starts.
  let forShadow = false;
  factory.connect = async () => {
    const c = patch(await connect());
    if (!forShadow) opened.push(c);
    return c;
  };
  factory.connectToShadowDb = async () => {
    forShadow = true;
    const pending = connectToShadowDb();
    forShadow = false;
    return patch(await pending);
  };
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
  const opened: Connected[] = [];
  const factory = engineAdapterFactory(new PrismaPg({ connectionString: directUrl, max: 1 }), opened);
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
      // The engine leaves its connections open, and with them the session's migration lock:
      // the next session in this process would wait 10 s for it.
      await Promise.all(opened.map((c) => c.dispose()));
    },
  };
}

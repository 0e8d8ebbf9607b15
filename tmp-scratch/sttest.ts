import pg from "pg";
import { startRealPostgres } from "../scripts/lib/real-postgres.ts";
const s = await startRealPostgres();
const c = new pg.Client({ connectionString: s.url }); await c.connect();
const t0 = Date.now();
try { const r = await c.query("SET statement_timeout = 300; SELECT pg_sleep(2)"); console.log("no timeout", r); } catch (e) { console.log("err", (e as any).code, (e as any).message, Date.now()-t0); }
// literal with quote and backslash
const json = JSON.stringify([{a:"it's \\ \" x"}]);
const lit = "'" + json.replaceAll("'", "''") + "'";
const r = await c.query(`SET statement_timeout = 300; SET standard_conforming_strings = on; SELECT ${lit}::jsonb AS j`);
console.log(Array.isArray(r), (r as any).at(-1).rows);
await c.end(); await s.stop();

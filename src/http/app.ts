/** The Worker's HTTP surface: ingest, rollup reads and the admin API, one error format. */
import { Hono } from "hono";
import { adminRoutes } from "../admin/admin-routes.ts";
import type { Env } from "../env.ts";
import { producer } from "../producer.ts";
import { renderError } from "./render-error.ts";
import { rollupRoutes } from "./rollup-routes.ts";

export const app = new Hono<{ Bindings: Env }>();

app.get("/healthz", (c) => c.json({ status: "ok" }));
app.route("/", producer);
app.route("/", rollupRoutes);
app.route("/admin", adminRoutes);
app.notFound((c) => c.json({ code: "not_found", message: `no route for ${c.req.method} ${c.req.path}` }, 404));
app.onError(renderError);

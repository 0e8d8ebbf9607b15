// SQL text is safe by construction: every statement src/ sends as text
// ($queryRawUnsafe, $executeRawUnsafe, node-postgres's query) is a module
// constant built at load time from code, or a timed statement built by
// src/consumer/db/timed-statement.ts (whose literals quote and check every value) —
// never text that a request could have shaped. Checked on the TypeScript AST.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const UNSAFE = new Set(["$queryRawUnsafe", "$executeRawUnsafe"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === "generated" ? [] : sourceFiles(join(dir, e.name))) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** Names declared by `const` at a file's top level. */
function moduleConstants(file: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const st of file.statements)
    if (ts.isVariableStatement(st) && st.declarationList.flags & ts.NodeFlags.Const)
      for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) names.add(d.name.text);
  return names;
}

function violations(path: string, text = readFileSync(path, "utf8")): string[] {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const constants = moduleConstants(file);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const first = node.arguments[0];
      const where = `${path}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
      if (UNSAFE.has(method) && !(first && ts.isIdentifier(first) && constants.has(first.text)))
        found.push(`${where}: ${method} takes ${first?.getText() ?? "nothing"}, not a module constant`);
      // node-postgres on the consumer's connection: only timed statements.
      if (method === "query" && /\bsql\b|\.pg\b/.test(node.expression.expression.getText()) && path.includes("/src/consumer/db/")) {
        const ok = first && ts.isCallExpression(first) && first.expression.getText() === "timedQuery";
        if (!ok) found.push(`${where}: query takes ${first?.getText() ?? "nothing"}, not a timedQuery(…)`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe("SQL text in src/", () => {
  it("is always a module constant or a timed statement", () => {
    const files = sourceFiles(join(import.meta.dirname, "../../src"));
    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap((f) => violations(f))).toEqual([]);
  });

  it("catches text built in place, and a query that is not a timed statement (the check can fail)", () => {
    const series = join(import.meta.dirname, "../../src/consumer/db/daily-series.ts");
    // The source text of a template built from a value: "(`SELECT ${from}`)".
    const built = readFileSync(series, "utf8").replace("(EVENTS_PER_DAY_SQL, from)", ["(`SELECT ", "$", "{from}`)"].join(""));
    expect(violations(series, built)).toEqual([expect.stringMatching(/\$queryRawUnsafe takes `SELECT \$\{from\}`, not a module constant/)]);
    const insert = join(import.meta.dirname, "../../src/consumer/db/insert-events.ts");
    const untimed = readFileSync(insert, "utf8").replace("await sql.query(", "await sql.query(`SELECT 1`, ");
    expect(violations(insert, untimed)).toEqual([expect.stringMatching(/query takes `SELECT 1`, not a timedQuery/)]);
  });
});

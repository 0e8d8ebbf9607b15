/** The page shell every console page shares: navigation, the stylesheet and script (no inline ones: the CSP forbids them). */

import type { Child } from "hono/jsx";
import { ASSET_PATHS } from "./assets.ts";
import { consolePaths } from "./console-paths.ts";

export type Section = "overview" | "dead-letters" | "events" | "rollups" | "rollup-definitions";

const NAV: { section: Section; href: string; label: string }[] = [
  { section: "overview", href: consolePaths.overview, label: "Overview" },
  { section: "dead-letters", href: consolePaths.deadLetters(), label: "Dead letters" },
  { section: "events", href: consolePaths.eventLookup(), label: "Event lookup" },
  { section: "rollups", href: consolePaths.rollups(), label: "Rollups" },
  { section: "rollup-definitions", href: consolePaths.definitions, label: "Defined rollups" },
];

export function Layout(props: { title: string; section?: Section; children: Child; loggedIn?: boolean }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Eventline console`}</title>
        <link rel="stylesheet" href={ASSET_PATHS.css} />
        <script src={ASSET_PATHS.js} defer />
      </head>
      <body>
        <header class="top">
          <a class="brand" href={consolePaths.overview}>
            Eventline <span>console</span>
          </a>
          {props.loggedIn !== false && (
            <>
              <nav aria-label="Sections">
                {NAV.map((n) => (
                  <a href={n.href} aria-current={n.section === props.section ? "page" : undefined}>
                    {n.label}
                  </a>
                ))}
              </nav>
              <form method="post" action={consolePaths.logout} class="logout">
                <button type="submit">Log out</button>
              </form>
            </>
          )}
        </header>
        <main>
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** A message instead of an empty table: what is missing and what to do about it. */
export function Empty(props: { children: Child }) {
  return <p class="empty">{props.children}</p>;
}

// globalSetup for the consumer project: three databases that fail, for the
// outage tests to swap into the Hyperdrive binding: one accepts connections
// and never answers (a database that hangs), one accepts and hangs up at once
// (a database that refuses its clients), one is not there at all (unreachable).
import { createServer, type Server, type Socket } from "node:net";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    hangingDatabaseUrl: string;
    refusingDatabaseUrl: string;
    unreachableDatabaseUrl: string;
  }
}

async function listen(onSocket: (s: Socket) => void): Promise<{ url: string; server: Server; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  // A password: the local Hyperdrive binding refuses a URL without one.
  return { url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`, server, sockets };
}

export default async function setup(project: TestProject) {
  const hanging = await listen((s) => s.on("data", () => {})); // read and say nothing
  const refusing = await listen((s) => s.destroy());
  project.provide("hangingDatabaseUrl", hanging.url);
  project.provide("refusingDatabaseUrl", refusing.url);
  // A port that was listening a moment ago and no longer is: connections are refused at TCP level.
  const closed = await listen(() => {});
  await new Promise<void>((resolve) => closed.server.close(() => resolve()));
  project.provide("unreachableDatabaseUrl", closed.url);
  return async () => {
    for (const e of [hanging, refusing]) {
      for (const s of e.sockets) s.destroy();
      await new Promise<void>((resolve) => e.server.close(() => resolve()));
    }
  };
}

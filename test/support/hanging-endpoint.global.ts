// globalSetup for the workers project: an endpoint that accepts connections
// and never answers, standing in for a pool whose database hangs.
import { createServer, type Socket } from "node:net";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    hangingPoolUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("data", () => {}); // read and say nothing
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  project.provide("hangingPoolUrl", `prisma+postgres://127.0.0.1:${port}/?api_key=hangs`);
  return async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

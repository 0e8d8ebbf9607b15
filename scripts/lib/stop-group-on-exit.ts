/**
 * A server started in a process group of its own outlives the Node process
 * that started it when that process ends without stopping it (an uncaught
 * error in a benchmark): its group is signalled when the process exits.
 * Synchronous, as an exit handler must be. Returns what stop() calls to drop
 * the handler once the server is stopped the orderly way.
 */
export function stopGroupOnExit(pgid: number): () => void {
  const onExit = () => {
    try {
      process.kill(-pgid, "SIGCONT"); // a frozen server cannot shut down
      process.kill(-pgid, "SIGINT");
    } catch {}
  };
  process.once("exit", onExit);
  return () => process.off("exit", onExit);
}

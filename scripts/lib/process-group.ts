// A Node script run as the leader of its own process group, stopped by that
// group's id (never by name): TERM, then KILL after 5 s, then KILL again for
// anything in the group that outlived its parent (workerd, helpers). If this
// process exits without stopping it, the group is killed with it.
import { type ChildProcess, type StdioOptions, spawn } from "node:child_process";

export interface ProcessGroup {
  child: ChildProcess;
  /** The process group id (= the leader's pid). */
  pgid: number;
  stop(): Promise<void>;
}

export function spawnProcessGroup(entry: string, opts: { stdio: StdioOptions; env?: NodeJS.ProcessEnv }): ProcessGroup {
  const child = spawn(process.execPath, [entry], { detached: true, stdio: opts.stdio, env: opts.env ?? process.env });
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {}
  };
  const killOnExit = () => killGroup("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.removeListener("exit", killOnExit));
  return {
    child,
    pgid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((r) => child.once("exit", () => r()));
        killGroup("SIGTERM");
        const timer = setTimeout(() => killGroup("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      killGroup("SIGKILL");
    },
  };
}

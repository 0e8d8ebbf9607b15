// PGlite is one Postgres session. pglite-socket shares it between TCP
// connections message by message, so under concurrency one client's Parse can
// land between another's Bind and Execute — seen to return other clients'
// rows. This queue hands the whole session to one connection from its first
// message until PGlite answers ReadyForQuery with status 'I' (idle, outside a
// transaction); only then may another connection speak. Every
// Parse/Bind/Execute/Sync cycle and every transaction is therefore atomic.
import type { PGlite } from "@electric-sql/pglite";

interface Pending {
  handlerId: number;
  message: Uint8Array;
  onData: (chunk: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (err: Error) => void;
}

const READY_FOR_QUERY = 0x5a; // 'Z'
const IDLE = 0x49; // 'I'
// Sync ('S', length 4): ends any half-finished extended-query cycle a vanished client left behind.
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

export class SessionQueue {
  private queue: Pending[] = [];
  private owner: number | null = null;
  private running = false;

  private readonly db: PGlite;

  constructor(db: PGlite) {
    this.db = db;
  }

  enqueue(handlerId: number, message: Uint8Array, onData: (chunk: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.drain();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  /** Called when a connection goes away: drop its messages and give the session back clean. */
  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((p) => {
      if (p.handlerId !== handlerId) return true;
      p.reject(new Error("Handler disconnected"));
      return false;
    });
  }

  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    // Not inside runExclusive: exec takes PGlite's lock itself and would deadlock there.
    await this.db.execProtocolRaw(SYNC);
    if (this.db.isInTransaction()) await this.db.exec("ROLLBACK");
    this.owner = null;
    void this.drain();
  }

  private next(): Pending | undefined {
    const i = this.owner === null ? 0 : this.queue.findIndex((p) => p.handlerId === this.owner);
    return i < 0 ? undefined : this.queue.splice(i, 1)[0];
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let item = this.next(); item; item = this.next()) {
        this.owner = item.handlerId;
        let total = 0;
        // The last six bytes PGlite sent tell whether this reply ended in ReadyForQuery(I).
        let tail: Uint8Array = new Uint8Array(0);
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (chunk: Uint8Array) => {
                total += chunk.length;
                tail = lastBytes(tail, chunk, 6);
                item.onData(chunk);
              },
            }),
          );
        } catch (err) {
          item.reject(err as Error);
          continue;
        }
        if (tail.length === 6 && tail[0] === READY_FOR_QUERY && tail[5] === IDLE) this.owner = null;
        item.resolve(total);
      }
    } finally {
      this.running = false;
    }
  }
}

function lastBytes(prev: Uint8Array, chunk: Uint8Array, n: number): Uint8Array {
  if (chunk.length >= n) return chunk.slice(chunk.length - n);
  const joined = new Uint8Array(prev.length + chunk.length);
  joined.set(prev);
  joined.set(chunk, prev.length);
  return joined.slice(Math.max(0, joined.length - n));
}

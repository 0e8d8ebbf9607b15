/**
 * The client: queues events, sends them in batches by count, bytes and time,
 * and gives every event one outcome. See README.md ("Sending events").
 */

import { EVENTS_PATH, signingKey, WIRE_LIMITS } from "@eventline/protocol";
import { type DeliveryContext, deliverBatch, type PendingEvent, type RetryInfo } from "./deliver-batch.ts";
import { Fifo } from "./fifo.ts";
import { FAILURE_CODES, type Failed, type Outcome, type Rejected } from "./outcome.ts";
import { type EventInput, prepareEvent } from "./prepare-event.ts";

export interface EventlineOptions {
  /** The producer Worker's base URL, e.g. `https://ingest.example.com`. */
  url: string;
  /** An ingest API key; it decides the events' source. */
  apiKey: string;
  /** The source's signing secret, when the server requires signed requests for it. */
  signingSecret?: string;
  /** Send a batch when this many events are queued (1–1000). Default 100. */
  flushAt?: number;
  /** Send what is queued this long after the first event of a batch arrived, ms. Default 1000. */
  flushIntervalMs?: number;
  /** Largest request body, bytes (≥ 70,000, ≤ 1 MiB). Default 1 MiB. */
  maxBatchBytes?: number;
  /** Retries of a batch after its first attempt. Default 6. */
  maxRetries?: number;
  /** Retry backoff: the first retry waits about minRetryDelayMs, doubling up to maxRetryDelayMs. Defaults 200 and 60,000. */
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** One attempt's deadline, ms. Default 10,000. */
  timeoutMs?: number;
  /** Requests in flight at once. Default 4. */
  maxConcurrentRequests?: number;
  /** Events held (queued or in flight) before send() fails new ones with `client_queue_full`. Default 10,000. */
  maxQueueSize?: number;
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch;
  /** Called for each event that ends rejected or failed. */
  onError?: (outcome: Rejected | Failed) => void;
  /** Called before each retry of a batch (or of the part of it to resend). */
  onRetry?: (info: RetryInfo) => void;
}

/** An event from send() to its outcome. A class, not an object literal with closures: there can be maxQueueSize of them. */
class QueuedEvent implements PendingEvent {
  readonly id: string;
  readonly json: string;
  readonly bytes: number;
  readonly seq: number;
  readonly done: Promise<Outcome>;
  #resolve!: (outcome: Outcome) => void;
  /** The client's bookkeeping; false when this event was settled already. */
  readonly #onSettle: (event: QueuedEvent, outcome: Outcome) => boolean;

  constructor(id: string, json: string, bytes: number, seq: number, onSettle: (event: QueuedEvent, outcome: Outcome) => boolean) {
    this.id = id;
    this.json = json;
    this.bytes = bytes;
    this.seq = seq;
    this.#onSettle = onSettle;
    this.done = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  settle(outcome: Outcome): void {
    if (this.#onSettle(this, outcome)) this.#resolve(outcome);
  }
}

const ENVELOPE_BYTES = '{"events":[]}'.length;

export class Eventline {
  readonly #delivery: DeliveryContext;
  readonly #flushAt: number;
  readonly #flushIntervalMs: number;
  readonly #maxBatchBytes: number;
  readonly #maxConcurrent: number;
  readonly #maxQueueSize: number;
  readonly #onError: EventlineOptions["onError"];
  #queue = new Fifo<QueuedEvent>();
  #queuedBytes = 0;
  #inFlight = new Set<QueuedEvent>();
  #requests = 0;
  #seq = 0;
  /** Events up to this sequence number go out now, whether or not their batch is full. */
  #sendThrough = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(options: EventlineOptions) {
    this.#flushAt = bounded("flushAt", options.flushAt ?? 100, 1, WIRE_LIMITS.maxEventsPerRequest);
    this.#flushIntervalMs = bounded("flushIntervalMs", options.flushIntervalMs ?? 1000, 0, 3_600_000);
    this.#maxBatchBytes = bounded(
      "maxBatchBytes",
      options.maxBatchBytes ?? WIRE_LIMITS.maxRequestBytes,
      // Room for one event of the largest size, with its `source`, whatever the batch.
      WIRE_LIMITS.maxEventBytes + ENVELOPE_BYTES + 4096,
      WIRE_LIMITS.maxRequestBytes,
    );
    this.#maxConcurrent = bounded("maxConcurrentRequests", options.maxConcurrentRequests ?? 4, 1, 256);
    this.#maxQueueSize = bounded("maxQueueSize", options.maxQueueSize ?? 10_000, 1, Number.MAX_SAFE_INTEGER);
    this.#onError = options.onError && guarded(options.onError);
    if (!options.url) throw new TypeError("Eventline: url is required");
    if (!options.apiKey) throw new TypeError("Eventline: apiKey is required");
    const fetchFn = options.fetch ?? globalThis.fetch;
    this.#delivery = {
      endpoint: `${options.url.replace(/\/+$/, "")}${EVENTS_PATH}`,
      apiKey: options.apiKey,
      signingKey: options.signingSecret ? signingKey(options.signingSecret) : undefined,
      // Called unbound: some runtimes' fetch refuses a `this` other than the global.
      fetch: (input, init) => fetchFn(input, init),
      timeoutMs: bounded("timeoutMs", options.timeoutMs ?? 10_000, 1, 600_000),
      maxRetries: bounded("maxRetries", options.maxRetries ?? 6, 0, 100),
      backoff: {
        minDelayMs: bounded("minRetryDelayMs", options.minRetryDelayMs ?? 200, 0, 3_600_000),
        maxDelayMs: bounded("maxRetryDelayMs", options.maxRetryDelayMs ?? 60_000, 0, 3_600_000),
      },
      onRetry: options.onRetry && guarded(options.onRetry),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    };
  }

  /** Queues an event (or several); resolves with its outcome (or theirs, in order). Never rejects. */
  send(event: EventInput): Promise<Outcome>;
  send(events: readonly EventInput[]): Promise<Outcome[]>;
  send(input: EventInput | readonly EventInput[]): Promise<Outcome | Outcome[]> {
    if (Array.isArray(input)) return Promise.all(input.map((e) => this.#enqueue(e)));
    return this.#enqueue(input as EventInput);
  }

  /** Resolves when every event sent before this call has an outcome. */
  async flush(): Promise<void> {
    const waiting = [...this.#inFlight, ...this.#queue.toArray()].map((e) => e.done);
    this.#sendThrough = this.#seq;
    this.#pump();
    await Promise.all(waiting);
  }

  /** Flushes, then refuses new events (`client_closed`). Safe to call more than once. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
    this.#clearTimer();
  }

  /** Events queued or in flight. */
  get pending(): number {
    return this.#queue.length + this.#inFlight.size;
  }

  #enqueue(input: EventInput): Promise<Outcome> {
    const prepared = prepareEvent(input, Date.now());
    if (!prepared.ok) return Promise.resolve(this.#report(prepared.outcome));
    const { id } = prepared.event;
    if (this.#closed) return Promise.resolve(this.#fail(id, FAILURE_CODES.closed, "the client is closed"));
    if (this.pending >= this.#maxQueueSize) {
      return Promise.resolve(this.#fail(id, FAILURE_CODES.queueFull, `${this.#maxQueueSize} events are already waiting (maxQueueSize)`));
    }
    const { json, bytes } = prepared.event;
    const queued = new QueuedEvent(id, json, bytes, ++this.#seq, this.#onSettle);
    this.#queue.push(queued);
    this.#queuedBytes += queued.bytes;
    this.#pump();
    if (this.#queue.length > 0 && this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#sendThrough = this.#seq;
        this.#pump();
      }, this.#flushIntervalMs);
    }
    return queued.done;
  }

  readonly #onSettle = (event: QueuedEvent, outcome: Outcome): boolean => {
    if (!this.#inFlight.delete(event)) return false;
    this.#report(outcome);
    return true;
  };

  /** Starts as many batches as the concurrency allows: full ones, or any that a flush or the timer asked for. */
  #pump(): void {
    while (this.#requests < this.#maxConcurrent && this.#queue.length > 0) {
      const full = this.#queue.length >= this.#flushAt || this.#queuedBytes + ENVELOPE_BYTES + this.#queue.length > this.#maxBatchBytes;
      if (!full && this.#queue.at(0)!.seq > this.#sendThrough) break;
      const batch = this.#takeBatch();
      this.#requests++;
      void deliverBatch(batch, this.#delivery)
        .catch((err: unknown) => {
          for (const e of batch) e.settle({ status: "failed", id: e.id, code: FAILURE_CODES.internal, message: String(err) });
        })
        .finally(() => {
          this.#requests--;
          this.#pump();
        });
    }
    if (this.#queue.length === 0) this.#clearTimer();
  }

  #takeBatch(): QueuedEvent[] {
    let bytes = ENVELOPE_BYTES - 1;
    let n = 0;
    for (let i = 0; i < this.#queue.length; i++) {
      const e = this.#queue.at(i)!;
      if (n === this.#flushAt || (n > 0 && bytes + 1 + e.bytes > this.#maxBatchBytes)) break;
      bytes += 1 + e.bytes;
      n++;
    }
    const batch = this.#queue.take(n);
    for (const e of batch) {
      this.#queuedBytes -= e.bytes;
      this.#inFlight.add(e);
    }
    return batch;
  }

  #fail(id: string, code: string, message: string): Outcome {
    return this.#report({ status: "failed", id, code, message });
  }

  #report<T extends Outcome>(outcome: T): T {
    if (outcome.status !== "accepted") this.#onError?.(outcome);
    return outcome;
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** A hook that throws must not cost an event its outcome. */
function guarded<A>(hook: (arg: A) => void): (arg: A) => void {
  return (arg) => {
    try {
      hook(arg);
    } catch {
      // The caller's bug; the delivery goes on.
    }
  };
}

function bounded(name: string, value: number, min: number, max: number): number {
  if (!Number.isFinite(value) || value < min || value > max)
    throw new RangeError(`Eventline: ${name} must be between ${min} and ${max} (got ${value})`);
  return value;
}

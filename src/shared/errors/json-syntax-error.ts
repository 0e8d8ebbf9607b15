/** The request body (or one NDJSON line) is not JSON at all: nothing in it can be trusted, so nothing in it is accepted. */
export class JsonSyntaxError extends Error {
  override readonly name = "JsonSyntaxError";
  /** Offset, in UTF-16 code units, where the text stopped being JSON. */
  readonly position: number;

  constructor(message: string, opts: { position: number; cause?: unknown }) {
    super(message, { cause: opts.cause });
    this.position = opts.position;
  }
}

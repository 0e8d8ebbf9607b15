/** The ops CLI's HTTP client for the admin API. Failures become CliError with an exit code. */
export const EXIT = { ok: 0, failed: 1, usage: 2, notFound: 3, auth: 4, rejected: 5, expired: 6 } as const;

export class CliError extends Error {
  override readonly name = "CliError";
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
  }
}

export class AdminClient {
  private readonly baseUrl: string;
  private readonly token: string;

  constructor(baseUrl: string | undefined, token: string | undefined) {
    if (!baseUrl)
      throw new CliError(
        "no base URL: pass --url or set EVENTLINE_URL to the consumer Worker (e.g. http://127.0.0.1:8788 under npm run dev)",
        EXIT.usage,
      );
    if (!token) throw new CliError("no admin token: pass --token or set EVENTLINE_ADMIN_TOKEN", EXIT.usage);
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.token = token;
  }

  get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const qs = new URLSearchParams(
      Object.entries(query)
        .filter((e): e is [string, string | number] => e[1] !== undefined)
        .map(([k, v]) => [k, String(v)]),
    );
    return this.request<T>("GET", `${path}${qs.size ? `?${qs}` : ""}`);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>("POST", path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("PUT", path, body);
  }

  delete(path: string): Promise<void> {
    return this.request<void>("DELETE", path);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/admin${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch (err) {
      throw new CliError(`cannot reach ${this.baseUrl}: ${(err as Error).message}`, EXIT.failed);
    }
    const text = await res.text();
    const data = text ? JSON.parse(text) : undefined;
    if (res.ok) return data as T;
    const detail = data?.code ? `${data.code}: ${data.message}` : `HTTP ${res.status}`;
    const code =
      res.status === 404
        ? EXIT.notFound
        : res.status === 410
          ? EXIT.expired
          : res.status === 401 || res.status === 403
            ? EXIT.auth
            : res.status < 500
              ? EXIT.rejected
              : EXIT.failed;
    throw new CliError(detail, code);
  }
}

/** A tiny cookie-keeping HTTP client for the web UI's endpoints, as a browser would call them. */

export interface WebResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked by value in tests
  body: any;
}

export class WebClient {
  cookie: string | null = null;

  constructor(readonly base: string) {}

  async call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<WebResponse> {
    const all: Record<string, string> = { ...headers };
    if (this.cookie) all.cookie = this.cookie;
    if (body !== undefined && !("content-type" in all)) all["content-type"] = "application/json";
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: all,
      ...(body !== undefined
        ? { body: typeof body === "string" ? body : JSON.stringify(body) }
        : {}),
    });
    const setCookie = response.headers.get("set-cookie");
    if (setCookie) {
      const pair = setCookie.split(";")[0] ?? "";
      this.cookie = pair.endsWith("=") ? null : pair;
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: the HTML app.
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  async signIn(token: string): Promise<WebResponse> {
    return this.call("POST", "/api/v1/web/session", { token });
  }
}

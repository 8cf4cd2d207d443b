/**
 * Records every exchange in oav's live-traffic format (one JSON file per request/response pair) so that
 * `npm run conformance` can validate what the emulator answered against the official OpenAPI specs.
 * Authorization headers are redacted: recordings must never hold a token.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface LiveExchange {
  liveRequest: { url: string; method: string; headers: Record<string, string>; body?: unknown };
  liveResponse: { statusCode: string; headers: Record<string, string>; body?: unknown };
}

const REDACT = new Set(["authorization", "cookie", "x-ms-authorization-auxiliary"]);

export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const key = k.toLowerCase();
    out[key] = REDACT.has(key) ? "<redacted>" : Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

export class TrafficRecorder {
  private seq = 0;
  private readonly prefix: string;

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    // Several emulators (parallel test files) may share one directory: a per-instance prefix keeps names unique.
    this.prefix = `${Date.now().toString(36)}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  }

  record(exchange: LiveExchange): void {
    const n = String(++this.seq).padStart(5, "0");
    const op = new URL(exchange.liveRequest.url).pathname
      .split("/")
      .filter(Boolean)
      .slice(-2)
      .join("-")
      .replace(/[^A-Za-z0-9._-]+/g, "_")
      .slice(0, 60);
    const file = path.join(this.dir, `${this.prefix}-${n}-${exchange.liveRequest.method}-${op}.json`);
    fs.writeFileSync(file, `${JSON.stringify(exchange, null, 2)}\n`);
  }
}

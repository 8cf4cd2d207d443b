/**
 * A small HTTPS stand-in for a resource provider, for the answer shapes the emulator does not produce yet
 * (long-running connection PUTs, Retry-After as an HTTP date, throttling storms). Each test scripts the
 * answers with a handler; every request is recorded. TLS uses the throw-away CA from test/global-setup.ts
 * (LINKGATE_TEST_TLS_DIR), trusted explicitly by the client: verification stays on.
 */
import * as fs from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import {
  createArmContext,
  StaticTokenCredential,
  type ArmContext,
  type ArmContextOptions,
} from "../../../src/adapters/arm/context";

export interface SeenRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface Answer {
  status: number;
  headers?: Record<string, string | undefined>;
  /** JSON body; absent: no body. */
  body?: unknown;
}

export type Handler = (req: SeenRequest, server: ProviderServer) => Answer;

export interface ProviderServer {
  readonly url: string;
  readonly caPem: string;
  readonly requests: SeenRequest[];
  handler: Handler;
  /** Requests matching a method (and optionally a path suffix). */
  count(method: string, pathEndsWith?: string): number;
  close(): Promise<void>;
}

function tlsDir(): string {
  const dir = process.env["LINKGATE_TEST_TLS_DIR"];
  if (!dir) throw new Error("LINKGATE_TEST_TLS_DIR is not set: run through jest (test/global-setup.ts)");
  return dir;
}

export async function startProviderServer(handler: Handler): Promise<ProviderServer> {
  const dir = tlsDir();
  const caPem = fs.readFileSync(path.join(dir, "ca.pem"), "utf8");
  const requests: SeenRequest[] = [];
  const state: { handler: Handler } = { handler };
  const ref: { self?: ProviderServer } = {};
  const server = https.createServer(
    { cert: fs.readFileSync(path.join(dir, "cert.pem")), key: fs.readFileSync(path.join(dir, "key.pem")) },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const u = new URL(req.url ?? "/", "https://127.0.0.1");
        const text = Buffer.concat(chunks).toString("utf8");
        const seen: SeenRequest = {
          method: req.method ?? "GET",
          path: decodeURIComponent(u.pathname),
          query: u.searchParams,
          headers: req.headers,
          body: text ? (JSON.parse(text) as unknown) : undefined,
        };
        requests.push(seen);
        let answer: Answer;
        try {
          answer = state.handler(seen, ref.self as ProviderServer);
        } catch (e) {
          answer = { status: 500, body: { error: { code: "TestServerError", message: String(e) } } };
        }
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(answer.headers ?? {})) if (v !== undefined) headers[k] = v;
        if (answer.body !== undefined) headers["content-type"] = "application/json";
        res.writeHead(answer.status, headers);
        res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const self: ProviderServer = {
    url: `https://127.0.0.1:${port}`,
    caPem,
    requests,
    get handler() {
      return state.handler;
    },
    set handler(h: Handler) {
      state.handler = h;
    },
    count(method, pathEndsWith) {
      return requests.filter(
        (r) => r.method === method && (pathEndsWith === undefined || r.path.endsWith(pathEndsWith)),
      ).length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  ref.self = self;
  return self;
}

/** The real ARM context (generic client, arm-network) pointed at the test server, trusting its CA. */
export function armFor(server: ProviderServer, options: ArmContextOptions = {}): ArmContext {
  return createArmContext({
    endpoint: server.url,
    extraCaPem: server.caPem,
    credential: new StaticTokenCredential(),
    emulator: true,
    retryOptions: { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
    ...options,
  });
}

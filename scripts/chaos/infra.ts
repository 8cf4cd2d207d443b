/**
 * What the chaos run stands up besides the ARM emulator: a TLS identity (a CA we generate and trust
 * explicitly, never TLS verification off), Azurite Table over HTTPS as the app's storage account, and a local
 * Application Insights ingestion endpoint (`POST /v2.1/track`) that accepts, refuses or hangs.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import * as net from "node:net";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { generateCertificates } from "../../src/emulator/certs";

// The fixed, publicly documented Azurite development account (not a secret).
const AZURITE_ACCOUNT = "devstoreaccount1";
const AZURITE_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface TlsIdentity {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
}

export function writeTlsIdentity(dir: string): TlsIdentity {
  const { caPem, certPem, keyPem } = generateCertificates();
  const id = {
    dir,
    caFile: path.join(dir, "ca.pem"),
    certFile: path.join(dir, "cert.pem"),
    keyFile: path.join(dir, "key.pem"),
  };
  fs.writeFileSync(id.caFile, caPem);
  fs.writeFileSync(id.certFile, certPem);
  fs.writeFileSync(id.keyFile, keyPem, { mode: 0o600 });
  return id;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface Azurite {
  connectionString: string;
  pid: number;
  stop(): Promise<void>;
}

function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

/**
 * Azurite Table (or Queue: the sharded sweep's queue) on 127.0.0.1 over HTTPS, in memory, as
 * test/global-setup.ts starts it. The connection string names only the started service's endpoint.
 */
export async function startAzurite(tls: TlsIdentity, service: "table" | "queue" = "table"): Promise<Azurite> {
  const port = await freePort();
  const label = service === "table" ? "Azurite Table" : "Azurite Queue";
  const bin = path.join(repoRoot(), "node_modules", "azurite", "dist", "src", service, "main.js");
  const child: ChildProcess = spawn(
    process.execPath,
    [
      bin,
      `--${service}Host`,
      "127.0.0.1",
      `--${service}Port`,
      String(port),
      "--inMemoryPersistence",
      "--disableTelemetry",
      "--silent",
      "--skipApiVersionCheck",
      "--cert",
      tls.certFile,
      "--key",
      tls.keyFile,
    ],
    { stdio: ["ignore", "pipe", "pipe"], cwd: tls.dir },
  );
  await new Promise<void>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${label} did not start within 60 s on port ${port}; output:\n${output}`));
      // A loaded 2-core machine (other test suites running) can take tens of seconds to start it.
    }, 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      // Table says "successfully started", Queue "successfully listens".
      if (/successfully (started|listens)/.test(output)) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        child.removeListener("exit", onExit);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve();
      }
    };
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`${label} exited with code ${code} before it started; output:\n${output}`));
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
    child.on("exit", onExit);
  });
  const endpoint = `https://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  return {
    connectionString: `DefaultEndpointsProtocol=https;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};${service === "table" ? "TableEndpoint" : "QueueEndpoint"}=${endpoint};`,
    pid: child.pid ?? 0,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => {
          child.kill("SIGKILL");
          resolve();
        }, 5_000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}

export interface Envelope {
  name?: string;
  time?: string;
  data?: {
    baseType?: string;
    baseData?: { name?: string; properties?: Record<string, string>; measurements?: Record<string, number> };
  };
}

export type IngestionMode = "accept" | "refuse" | "hang";

export interface Ingestion {
  /** What to put in APPLICATIONINSIGHTS_CONNECTION_STRING. */
  connectionString: string;
  envelopes: Envelope[];
  /** Requests seen (also those left hanging). */
  requests: () => number;
  setMode(mode: IngestionMode): Promise<void>;
  close(): Promise<void>;
}

const IKEY = "00000000-0000-0000-0000-00000000c4a0";

/**
 * A local ingestion endpoint. `accept` answers 200 and keeps the envelopes; `hang` reads the request and
 * never answers; `refuse` closes the listening socket so connections are refused.
 */
export async function startIngestion(tls: TlsIdentity, mode: IngestionMode): Promise<Ingestion> {
  const port = await freePort();
  const envelopes: Envelope[] = [];
  let requests = 0;
  let current: IngestionMode = mode;
  const sockets = new Set<net.Socket>();
  const server = https.createServer(
    { cert: fs.readFileSync(tls.certFile), key: fs.readFileSync(tls.keyFile) },
    (req, res) => {
      requests++;
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        if (current === "hang") return;
        try {
          let body = Buffer.concat(chunks);
          if (req.headers["content-encoding"] === "gzip") body = zlib.gunzipSync(body);
          const text = body.toString("utf8").trim();
          const items = (
            text.startsWith("[") ? JSON.parse(text) : text.split("\n").map((l) => JSON.parse(l))
          ) as Envelope[];
          envelopes.push(...items);
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ itemsReceived: items.length, itemsAccepted: items.length, errors: [] }));
        } catch (e) {
          res.writeHead(400, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: (e as Error).message }));
        }
      });
    },
  );
  server.on("connection", (s: net.Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  let listening = false;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        listening = true;
        resolve();
      });
    });
  const unlisten = () =>
    new Promise<void>((resolve) => {
      if (!listening) return resolve();
      listening = false;
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  if (mode !== "refuse") await listen();
  return {
    connectionString: `InstrumentationKey=${IKEY};IngestionEndpoint=https://127.0.0.1:${port}/`,
    envelopes,
    requests: () => requests,
    async setMode(next: IngestionMode) {
      current = next;
      if (next === "refuse") await unlisten();
      else if (!listening) await listen();
    },
    close: unlisten,
  };
}

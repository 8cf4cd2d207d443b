/**
 * What the REAL applicationinsights SDK sends for a sweep, received by a local HTTPS ingestion endpoint
 * (`POST /v2.1/track`). The SDK runs in a child process that trusts the test CA through NODE_EXTRA_CA_CERTS;
 * TLS verification stays on.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import * as zlib from "node:zlib";

interface Envelope {
  name: string;
  iKey?: string;
  data: {
    baseType: string;
    baseData: {
      name?: string;
      properties?: Record<string, string>;
      measurements?: Record<string, number>;
      metrics?: { name: string; value: number }[];
    };
  };
}

const IKEY = "00000000-0000-0000-0000-00000000abcd";
const tlsDir = (): string => {
  const d = process.env["LINKGATE_TEST_TLS_DIR"];
  if (!d) throw new Error("test/global-setup.ts did not create the test CA (LINKGATE_TEST_TLS_DIR unset)");
  return d;
};

function startIngestion(
  status: number,
): Promise<{ port: number; envelopes: Envelope[]; paths: string[]; close: () => Promise<void> }> {
  const envelopes: Envelope[] = [];
  const paths: string[] = [];
  const server = https.createServer(
    {
      cert: fs.readFileSync(path.join(tlsDir(), "cert.pem")),
      key: fs.readFileSync(path.join(tlsDir(), "key.pem")),
    },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        paths.push(`${req.method} ${req.url}`);
        let body = Buffer.concat(chunks);
        if (req.headers["content-encoding"] === "gzip") body = zlib.gunzipSync(body);
        const text = body.toString("utf8").trim();
        const items = (
          text.startsWith("[") ? JSON.parse(text) : text.split("\n").map((l) => JSON.parse(l))
        ) as Envelope[];
        if (status === 200) envelopes.push(...items);
        res.writeHead(status, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            itemsReceived: items.length,
            itemsAccepted: status === 200 ? items.length : 0,
            errors: [],
          }),
        );
      });
    },
  );
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        envelopes,
        paths,
        close: () => new Promise((r) => server.close(() => r())),
      }),
    ),
  );
}

function runChild(
  ingestionPort: number,
  flushTimeoutMs = 8000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    [
      "-r",
      path.join(__dirname, "support", "register-ts.js"),
      path.join(__dirname, "support", "telemetryChild.ts"),
    ],
    {
      env: {
        PATH: process.env["PATH"],
        HOME: process.env["HOME"],
        TMPDIR: tlsDir(),
        CHILD_FLUSH_TIMEOUT_MS: String(flushTimeoutMs),
        NODE_EXTRA_CA_CERTS: path.join(tlsDir(), "ca.pem"),
        APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${IKEY};IngestionEndpoint=https://127.0.0.1:${ingestionPort}/`,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

const customEvents = (envs: Envelope[], name: string) =>
  envs
    .filter((e) => e.data.baseType === "EventData" && e.data.baseData.name === name)
    .map((e) => e.data.baseData);
const metricPoints = (envs: Envelope[], name: string) =>
  envs
    .filter((e) => e.data.baseType === "MetricData")
    .flatMap((e) =>
      (e.data.baseData.metrics ?? [])
        .filter((m) => m.name === name)
        .map((m) => ({ value: m.value, properties: e.data.baseData.properties ?? {} })),
    );

describe("App Insights envelopes from a sweep", () => {
  test("transitions, the sweep summary, decisions and metrics arrive at /v2.1/track", async () => {
    const ingest = await startIngestion(200);
    try {
      const r = await runChild(ingest.port);
      expect(r.stderr).not.toMatch(/child failed/);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as { second: { resolved: number } };
      expect(out.second.resolved).toBe(2);
      expect(ingest.paths.every((p) => p === "POST /v2.1/track")).toBe(true);
      const envs = ingest.envelopes;
      expect(envs.every((e) => e.iKey === IKEY)).toBe(true);

      const findings = customEvents(envs, "LinkGate.Finding");
      const byTransition = (t: string) =>
        findings
          .filter((f) => f.properties?.["transition"] === t)
          .map((f) => f.properties?.["resourceId"]?.split("/").pop())
          .sort();
      expect(byTransition("opened")).toEqual(["c1", "lb-fixed", "lb-old"]);
      expect(byTransition("resolved")).toEqual(["c1", "lb-fixed"]);
      const opened = findings.find((f) => f.properties?.["resourceId"]?.endsWith("lb-old"));
      expect(opened?.properties).toMatchObject({
        checkId: "pls-lb-not-standard",
        severity: "error",
        message: "lb-old is Basic",
        transition: "opened",
      });
      expect(opened?.properties?.["findingId"]).toMatch(/^pls-lb-not-standard:[0-9a-f]{16}$/);

      const completed = customEvents(envs, "LinkGate.SweepCompleted");
      expect(completed).toHaveLength(2);
      expect(completed.map((c) => c.measurements?.["opened"])).toEqual([3, 0]);
      expect(completed.map((c) => c.measurements?.["resolved"])).toEqual([0, 2]);
      expect(completed[0]?.measurements).toMatchObject({ errors: 2, warnings: 1, decisions: 1 });

      const decisions = customEvents(envs, "LinkGate.Decision");
      expect(
        decisions.map((d) => [d.properties?.["action"], d.properties?.["written"], d.properties?.["cause"]]),
      ).toEqual([["approve", "true", "sweep"]]);

      const open = metricPoints(envs, "LinkGate.OpenFindings");
      expect(open.filter((m) => m.properties["severity"] === "error").map((m) => m.value)).toEqual([2, 1]);
      expect(new Set(open.map((m) => m.properties["severity"]))).toEqual(
        new Set(["error", "warning", "info"]),
      );
      const states = metricPoints(envs, "LinkGate.Connections");
      expect(states.find((m) => m.properties["state"] === "Pending")?.value).toBe(1);
    } finally {
      await ingest.close();
    }
  }, 60_000);

  test("a failing backend (HTTP 500) stops neither the sweep nor the decision", async () => {
    const ingest = await startIngestion(500);
    try {
      // A short flush bound: the SDK would keep retrying a failing backend from its offline store.
      const r = await runChild(ingest.port, 800);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as {
        puts: { status: string }[];
        decisions: [string, boolean][];
        first: { findings: { total: number } };
      };
      expect(out.puts.map((p) => p.status)).toEqual(["Approved"]);
      expect(out.decisions).toEqual([["approve", true]]);
      expect(out.first.findings.total).toBe(3);
      expect(ingest.paths.length).toBeGreaterThan(0);
    } finally {
      await ingest.close();
    }
  }, 60_000);

  test("an unreachable backend stops neither the sweep nor the decision", async () => {
    const ingest = await startIngestion(200);
    await ingest.close();
    const r = await runChild(ingest.port, 800);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { puts: { status: string }[] };
    expect(out.puts.map((p) => p.status)).toEqual(["Approved"]);
  }, 60_000);
});

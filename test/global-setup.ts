// Global setup: one throw-away TLS identity for loopback test servers and one Azurite Table service for the
// suite. jest compiles this file with the project's transform (@swc/jest), so it reuses the emulator's
// certificate generator rather than carrying a copy.
//
// Exports to the test workers (which inherit this process's environment):
//   LINKGATE_TEST_TLS_DIR          ca.pem, cert.pem, key.pem: a CA and a server certificate for 127.0.0.1/localhost
//   LINKGATE_TEST_AZURITE_CONN     a connection string for Azurite Table (HTTPS, in memory, on 127.0.0.1) with
//                                  the well-known Azurite development key
// Tests trust ca.pem explicitly; TLS verification is never switched off.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { generateCertificates } from "../src/emulator/certs";

declare global {
  // Handed to global-teardown.ts, which jest runs in this same process.
  var __LINKGATE_AZURITE__: ChildProcess | undefined;
  var __LINKGATE_TEST_DIR__: string | undefined;
}

// The fixed, publicly documented Azurite development account (not a secret).
const AZURITE_ACCOUNT = "devstoreaccount1";
const AZURITE_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

function writeTlsIdentity(dir: string): void {
  const { caPem, certPem, keyPem } = generateCertificates();
  fs.writeFileSync(path.join(dir, "ca.pem"), caPem);
  fs.writeFileSync(path.join(dir, "cert.pem"), certPem);
  fs.writeFileSync(path.join(dir, "key.pem"), keyPem, { mode: 0o600 });
}

function freePort(): Promise<number> {
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

function startAzurite(dir: string, port: number): Promise<ChildProcess> {
  const bin = path.join(__dirname, "..", "node_modules", "azurite", "dist", "src", "table", "main.js");
  const child = spawn(
    process.execPath,
    [
      bin,
      "--tableHost",
      "127.0.0.1",
      "--tablePort",
      String(port),
      "--inMemoryPersistence",
      "--disableTelemetry",
      "--silent",
      "--skipApiVersionCheck",
      "--cert",
      path.join(dir, "cert.pem"),
      "--key",
      path.join(dir, "key.pem"),
    ],
    // cwd is the temp dir: whatever Azurite writes beside its in-memory store stays out of the repo.
    { stdio: ["ignore", "pipe", "pipe"], cwd: dir },
  );
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`Azurite Table did not start within 20 s on port ${port}; output:\n${output}`));
    }, 20_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes("successfully started")) {
        clearTimeout(timer);
        child.stdout.off("data", onData);
        child.removeListener("exit", onEarlyExit);
        // Keep draining so a chatty Azurite never blocks on a full pipe.
        child.stdout.resume();
        child.stderr.resume();
        resolve(child);
      }
    };
    const onEarlyExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`Azurite Table exited with code ${code} before it started; output:\n${output}`));
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.on("exit", onEarlyExit);
  });
}

export default async function globalSetup(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "linkgate-test-"));
  writeTlsIdentity(dir);
  const port = await freePort();
  const child = await startAzurite(dir, port);
  const endpoint = `https://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  process.env["LINKGATE_TEST_TLS_DIR"] = dir;
  process.env["LINKGATE_TEST_AZURITE_CONN"] =
    `DefaultEndpointsProtocol=https;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};TableEndpoint=${endpoint};`;
  globalThis.__LINKGATE_AZURITE__ = child;
  globalThis.__LINKGATE_TEST_DIR__ = dir;
}

// Global setup: one throw-away TLS identity for loopback test servers and one Azurite Table service for the
// suite. jest compiles this file with the project's transform (@swc/jest); it starts Azurite exactly as the
// chaos benchmark does (scripts/chaos/infra.ts: HTTPS with a generated CA, in memory, on 127.0.0.1, up to
// 60 s to start on a loaded machine).
//
// Exports to the test workers (which inherit this process's environment):
//   LINKGATE_TEST_TLS_DIR          ca.pem, cert.pem, key.pem: a CA and a server certificate for 127.0.0.1/localhost
//   LINKGATE_TEST_AZURITE_CONN     a connection string for Azurite Table (HTTPS, in memory, on 127.0.0.1) with
//                                  the well-known Azurite development key
//   LINKGATE_TEST_AZURITE_STORAGE_CONN  the same account with Azurite Queue's endpoint too (the sharded sweep)
// Tests trust ca.pem explicitly; TLS verification is never switched off.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startAzurite, writeTlsIdentity, type Azurite } from "../scripts/chaos/infra";

declare global {
  // Handed to global-teardown.ts, which jest runs in this same process.
  var __LINKGATE_AZURITE__: Azurite | undefined;
  var __LINKGATE_AZURITE_QUEUE__: Azurite | undefined;
  var __LINKGATE_TEST_DIR__: string | undefined;
}

export default async function globalSetup(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "linkgate-test-"));
  const tls = writeTlsIdentity(dir);
  const [azurite, queue] = await Promise.all([startAzurite(tls), startAzurite(tls, "queue")]);
  process.env["LINKGATE_TEST_TLS_DIR"] = dir;
  process.env["LINKGATE_TEST_AZURITE_CONN"] = azurite.connectionString;
  const queueEndpoint = /QueueEndpoint=[^;]+;/.exec(queue.connectionString)?.[0] ?? "";
  process.env["LINKGATE_TEST_AZURITE_STORAGE_CONN"] = `${azurite.connectionString}${queueEndpoint}`;
  globalThis.__LINKGATE_AZURITE__ = azurite;
  globalThis.__LINKGATE_AZURITE_QUEUE__ = queue;
  globalThis.__LINKGATE_TEST_DIR__ = dir;
}

// Stops the Azurite services started by global-setup.ts and removes the suite's temp directory.
import * as fs from "node:fs";

export default async function globalTeardown(): Promise<void> {
  await Promise.all([globalThis.__LINKGATE_AZURITE__?.stop(), globalThis.__LINKGATE_AZURITE_QUEUE__?.stop()]);
  const dir = globalThis.__LINKGATE_TEST_DIR__;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

// Stops the Azurite started by global-setup.ts (by its own pid) and removes the suite's temp directory.
import * as fs from "node:fs";

export default async function globalTeardown(): Promise<void> {
  const child = globalThis.__LINKGATE_AZURITE__;
  if (child && child.exitCode === null) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        resolve();
      }, 5_000);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill("SIGTERM");
    });
  }
  const dir = globalThis.__LINKGATE_TEST_DIR__;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

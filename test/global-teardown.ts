// Stops the Azurite started by global-setup.js (by its own pid) and removes the suite's temp directory.
const fs = require("node:fs");

module.exports = async () => {
  const child = globalThis.__LINKGATE_AZURITE__;
  if (child && child.exitCode === null) {
    await new Promise((resolve) => {
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
};

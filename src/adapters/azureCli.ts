/**
 * The Azure CLI's current subscription (`az account show`), for a first `linkgate sweep` without
 * --subscription or LINKGATE_SUBSCRIPTIONS. Only a GUID is accepted; no az, no login or a timeout is "none".
 */
import { execFile } from "node:child_process";

export type AzRunner = (args: string[], timeoutMs: number) => Promise<string>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const runAz: AzRunner = (args, timeoutMs) =>
  new Promise((resolve, reject) => {
    // az is a script on Windows (az.cmd); a shell is not needed elsewhere and nothing user-given is passed.
    execFile(
      process.platform === "win32" ? "az.cmd" : "az",
      args,
      { timeout: timeoutMs, windowsHide: true, maxBuffer: 64 * 1024 },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    );
  });

export async function azCliSubscription(
  run: AzRunner = runAz,
  timeoutMs = 15_000,
): Promise<string | undefined> {
  try {
    const out = (await run(["account", "show", "--query", "id", "--output", "tsv"], timeoutMs)).trim();
    return GUID.test(out) ? out : undefined;
  } catch {
    return undefined;
  }
}

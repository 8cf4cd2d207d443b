/**
 * `npm run bench -- <mode>`:
 * - `policy` (default): policy engine timings (scripts/bench-policy.ts).
 * - `cold`: cold start side by side: eager import of the five SDKs, loading the app as the host does, and the
 *   first decision written from process start.
 * - `sweep --connections N --latency-ms M`: a generated estate swept through the emulator; requests by kind,
 *   wall, peak RSS.
 * - `approval`: ARM requests per decided connection and writes on duplicate events.
 * - `shard --connections N --subscriptions S --workers W`: the sharded sweep over Azurite queues with W worker
 *   processes against a single-process sweep of the same estate.
 * docs/performance.md holds the figures and the commands.
 */
import { approvalMode } from "./approval";
import { coldMode } from "./cold";
import { shardMode } from "./shard";
import { sweepMode } from "./sweep";

const MODES: Record<string, (args: string[]) => Promise<void>> = {
  // bench-policy.ts runs its figures when loaded.
  policy: async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require("../bench-policy");
  },
  cold: coldMode,
  sweep: sweepMode,
  approval: approvalMode,
  shard: shardMode,
};

async function main(argv: string[]): Promise<void> {
  const mode = argv[0] && !argv[0].startsWith("-") ? argv[0] : "policy";
  const run = MODES[mode];
  if (!run) throw new Error(`unknown bench mode "${mode}": expected one of ${Object.keys(MODES).join(", ")}`);
  await run(argv.slice(mode === argv[0] ? 1 : 0));
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(2);
  },
);

/**
 * `linkgate policy what-if --policy NEW.yaml [--against OLD.yaml] (--subscription ID ... | --management-group
 * NAME) [-o table|json|markdown|sarif]`: what a policy change would do to the live estate, before it merges.
 * Reads every private endpoint connection in scope through the sweep's collector and decides each under OLD
 * (default LINKGATE_POLICY_FILE) and NEW (core/whatif). Read-only always: it never writes to Azure, not even
 * finding state or telemetry.
 *
 * Exit codes (stable contract): 0 nothing would change, 1 something would, 2 an error (an invalid policy,
 * printed as FILE:LINE:COL field: message lines; no scope; part of the scope unreadable).
 */
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import type { Command } from "commander";
import { errorMessage } from "../../core/errors";
import { formatPolicyError, parsePolicy, type Policy } from "../../core/policy";
import type { WhatIfReport } from "../../core/whatif/whatIf";
import { EXIT_FAIL, EXIT_OK, EXIT_USAGE, type CliContext, type CliIo } from "../io";
import { formatMarkdown, formatSarif, formatTable } from "./whatIfFormat";

export interface WhatIfOptions {
  policy: string;
  against?: string;
  subscription: string[];
  managementGroup?: string;
  output: string;
  at?: string;
}

const FORMATS = ["table", "json", "markdown", "sarif"] as const;

async function load(io: CliIo, file: string): Promise<{ policy: Policy } | { errors: string[] }> {
  let text: string;
  try {
    text = await readFile(path.resolve(io.cwd, file), "utf8");
  } catch (e) {
    return { errors: [`${file}:1:1 (file): cannot read the policy: ${errorMessage(e)}`] };
  }
  const parsed = parsePolicy(text, file);
  return "errors" in parsed ? { errors: parsed.errors.map(formatPolicyError) } : parsed;
}

/** Runs the command; returns the exit code. */
export async function whatIfCommand(io: CliIo, opts: WhatIfOptions): Promise<number> {
  const fail = (message: string): number => {
    io.stderr.write(`linkgate: ${message}\n`);
    return EXIT_USAGE;
  };
  if (!(FORMATS as readonly string[]).includes(opts.output)) {
    return fail(`--output "${opts.output}" is not one of: ${FORMATS.join(", ")}`);
  }
  if (opts.subscription.length > 0 && opts.managementGroup) {
    return fail("give --subscription or --management-group, not both");
  }
  let now = new Date();
  if (opts.at !== undefined) {
    now = new Date(opts.at);
    if (Number.isNaN(now.getTime())) return fail(`--at "${opts.at}" is not an ISO 8601 instant`);
  }
  const against = opts.against ?? io.env["LINKGATE_POLICY_FILE"];
  if (!against) {
    return fail("no policy to compare with: pass --against OLD.yaml or set LINKGATE_POLICY_FILE");
  }
  const [oldLoaded, newLoaded] = await Promise.all([load(io, against), load(io, opts.policy)]);
  let invalid = false;
  for (const [label, loaded] of [
    ["OLD", oldLoaded],
    ["NEW", newLoaded],
  ] as const) {
    if ("errors" in loaded) {
      invalid = true;
      for (const e of loaded.errors) io.stderr.write(`${e}\n`);
      io.stderr.write(`linkgate: the ${label} policy is invalid; nothing was compared\n`);
    }
  }
  if (invalid || "errors" in oldLoaded || "errors" in newLoaded) return EXIT_USAGE;

  // Loaded here, not at the top: `policy validate` in a pre-commit hook should not pay for the Azure SDKs.
  /* eslint-disable @typescript-eslint/no-require-imports -- lazy, synchronous (CommonJS output) */
  const { sweepRuntime } =
    require("../../adapters/inventory/sweepRuntime") as typeof import("../../adapters/inventory/sweepRuntime");
  const { streamLogger } = require("../../adapters/compose") as typeof import("../../adapters/compose");
  const { whatIf } = require("../../core/whatif/whatIf") as typeof import("../../core/whatif/whatIf");
  const { nullTelemetry } = require("../../ports") as typeof import("../../ports");
  /* eslint-enable @typescript-eslint/no-require-imports */

  // The scope comes from the flags; the environment's scope settings apply only when no flag is given.
  const env: NodeJS.ProcessEnv = { ...io.env };
  if (opts.subscription.length > 0) delete env["LINKGATE_MANAGEMENT_GROUP"];
  if (opts.managementGroup) {
    delete env["LINKGATE_SUBSCRIPTIONS"];
    env["LINKGATE_MANAGEMENT_GROUP"] = opts.managementGroup;
  }
  let report: WhatIfReport;
  try {
    const logger = streamLogger(io.stderr, "warn");
    const runtime = sweepRuntime({
      env,
      logger,
      subscriptions: opts.subscription,
      useStore: false,
      telemetry: nullTelemetry,
      clock: { now: () => now },
      trigger: "what-if",
    });
    const inventory = await runtime.deps.collector.collect(runtime.options.scope, {
      now,
      windowMinutes: runtime.options.settings.trafficWindowMinutes,
    });
    report = await whatIf({
      inventory,
      oldPolicy: oldLoaded.policy,
      newPolicy: newLoaded.policy,
      tenants: runtime.deps.tenants,
      now,
    });
  } catch (e) {
    return fail(`what-if failed: ${errorMessage(e)}`);
  }
  if (opts.output === "json") io.stdout.write(`${JSON.stringify(report)}\n`);
  else if (opts.output === "markdown") io.stdout.write(formatMarkdown(report));
  else if (opts.output === "sarif") io.stdout.write(`${JSON.stringify(formatSarif(report), null, 2)}\n`);
  else io.stdout.write(formatTable(report));
  if (report.collectionErrors.length > 0) {
    for (const e of report.collectionErrors)
      io.stderr.write(`linkgate: could not read ${e.scope}: ${e.message}\n`);
    io.stderr.write("linkgate: the scope was not fully readable; the comparison is incomplete\n");
    return EXIT_USAGE;
  }
  return report.changes.length > 0 ? EXIT_FAIL : EXIT_OK;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Adds `what-if` under the `policy` command. */
export function registerWhatIf(policy: Command, ctx: CliContext): void {
  policy
    .command("what-if")
    .description(
      "show what a policy change would do to the live estate: every connection in scope decided under the OLD " +
        "and the NEW policy, only the changes, grouped by transition. Read-only: never writes to Azure. " +
        "Exit 0 no change, 1 changes, 2 error",
    )
    .requiredOption("--policy <file>", "the NEW policy (YAML or JSON)")
    .option("--against <file>", "the OLD policy (default: LINKGATE_POLICY_FILE, the deployed one)")
    .option(
      "--subscription <id>",
      "subscription in scope (repeatable; default LINKGATE_SUBSCRIPTIONS)",
      collect,
      [],
    )
    .option(
      "--management-group <name>",
      "management group in scope (Resource Graph resolves its subscriptions)",
    )
    .option("-o, --output <format>", FORMATS.join(", "), "table")
    .option("--at <instant>", "evaluate as at this ISO 8601 instant (schedules, expiries); default now")
    .action(async (opts: WhatIfOptions) => {
      ctx.exitCode = await whatIfCommand(ctx.io, opts);
    });
}

/**
 * `linkgate sweep --policy FILE [--subscription ID ...] [--output table|json] [--reconcile]`: one health
 * sweep with the same core and adapters as the timer function. Read-only unless `--reconcile` (then Pending
 * connections are decided, and written when the policy is in enforce mode), as a health check should be.
 *
 * Stable contract: JSON output is exactly one object `{"findings":[...],"summary":{...}}` on stdout. Exit 0
 * when no error-severity finding, 1 when any, 2 when the sweep could not run completely (bad policy or
 * settings, a collection or check error): an incomplete sweep is never reported as healthy.
 * Finding state is used when Table Storage is configured; otherwise the run is stateless (every finding is
 * "opened").
 */
import * as path from "node:path";
import type { Command } from "commander";
import { SingleBar } from "cli-progress";
import { errorMessage } from "../../core/errors";
import type { Finding } from "../../core/findings";
import { runSweep, type SweepResult } from "../../core/sweep";
import type { CollectProgress, Logger } from "../../ports";
import { loadPolicyRuntime, streamLogger } from "../../adapters/compose";
import { sweepRuntime } from "../../adapters/inventory/sweepRuntime";
import { closeTelemetry } from "../../adapters/telemetry/appInsights";
import { EXIT_FAIL, EXIT_OK, EXIT_USAGE, type CliContext, type CliIo } from "../io";

export interface SweepJson {
  /** `carried`: open before, not re-checked because its scope or check failed this sweep (summary.degraded). */
  findings: (Finding & { transition: "opened" | "unchanged" | "carried" })[];
  summary: SweepResult["summary"] & {
    details: {
      checkErrors: SweepResult["checkErrors"];
      collectionErrors: SweepResult["collectionErrors"];
      decisions: { connectionId: string; action: string; ruleId: string; mode: string; written: boolean }[];
      reconcileFailures: SweepResult["reconcileFailures"];
      resolved: { id: string; checkId: string; resourceId: string }[];
      /** Seen in a failed scope or check, not open before: reported once a clean sweep sees them. */
      withheld: { id: string; checkId: string; resourceId: string; message: string }[];
    };
  };
}

export function toJson(r: SweepResult): SweepJson {
  const opened = new Set(r.opened.map((f) => f.id));
  const carried = new Set(r.carried.map((f) => f.id));
  return {
    findings: r.findings.map((f) => ({
      ...f,
      transition: opened.has(f.id) ? "opened" : carried.has(f.id) ? "carried" : "unchanged",
    })),
    summary: {
      ...r.summary,
      details: {
        checkErrors: r.checkErrors,
        collectionErrors: r.collectionErrors,
        decisions: r.decisions.map((d) => ({
          connectionId: d.connectionId,
          action: d.action,
          ruleId: d.ruleId,
          mode: d.mode,
          written: d.written,
        })),
        reconcileFailures: r.reconcileFailures,
        resolved: r.resolved.map((f) => ({ id: f.id, checkId: f.checkId, resourceId: f.resourceId })),
        withheld: r.withheld.map((f) => ({
          id: f.id,
          checkId: f.checkId,
          resourceId: f.resourceId,
          message: f.message,
        })),
      },
    },
  };
}

/** The tail of a resource ID that names it (`.../privateLinkServices/pls1/privateEndpointConnections/c1` -> `pls1/c1`). */
function shortId(id: string): string {
  const parts = id.split("/").filter(Boolean);
  // subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/{type}/{name}...]
  const names = parts.slice(6).filter((_, i) => i % 2 === 1);
  return names.length > 0 ? `${parts[3] ?? "?"}/${names.join("/")}` : id;
}

export function formatTable(r: SweepResult): string {
  const carried = new Set(r.carried.map((f) => f.id));
  const rows = r.findings.map((f) => [
    f.severity.toUpperCase(),
    f.checkId,
    shortId(f.resourceId),
    carried.has(f.id) ? `${f.message} [carried forward, not re-checked: ${f.lastSeen}]` : f.message,
  ]);
  const head = ["SEVERITY", "CHECK", "RESOURCE", "MESSAGE"];
  const widths = [0, 1, 2].map((i) =>
    Math.max(head[i]?.length ?? 0, ...rows.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < 3 ? c.padEnd(widths[i] ?? 0) : c))
      .join("  ")
      .trimEnd();
  const out: string[] = [];
  if (rows.length > 0) out.push(line(head), ...rows.map(line));
  else out.push("No findings.");
  const s = r.summary;
  for (const d of r.decisions)
    out.push(
      `decision: ${d.action} ${shortId(d.connectionId)} by rule ${d.ruleId} (${d.mode}${d.written ? ", written" : ""})`,
    );
  for (const f of r.resolved) out.push(`resolved: ${f.checkId} ${shortId(f.resourceId)}`);
  for (const e of r.collectionErrors) out.push(`collection error: ${e.scope}: ${e.message}`);
  for (const e of r.checkErrors) out.push(`check error: ${e.checkId}: ${e.message}`);
  if (s.stateError) out.push(`state error: ${s.stateError}`);
  if (s.degraded) {
    const blind = [...s.failedScopes, ...s.failedChecks.map((c) => `check ${c}`)].join(", ");
    out.push(
      `DEGRADED: could not read or run ${blind}; ${s.carriedForward} finding(s) there carried forward unchanged ` +
        `(not resolved), ${s.withheld} new one(s) withheld until a sweep that can read them`,
    );
  }
  out.push(
    "",
    `${s.findings.total} finding(s): ${s.findings.error} error, ${s.findings.warning} warning, ${s.findings.info} info; ` +
      `${s.opened} opened, ${s.resolved} resolved${s.stateful ? "" : " (stateless: no finding store configured)"}; ` +
      `${s.resources.privateLinkServices} PLS, ${s.resources.paasResources} PaaS, ${s.resources.privateEndpoints} private endpoints, ` +
      `${s.resources.connections} connections in ${s.subscriptions} subscription(s); ${s.decisions} decision(s); ${s.durationMs} ms`,
  );
  return `${out.join("\n")}\n`;
}

export function exitCodeFor(r: SweepResult): number {
  if (r.collectionErrors.length > 0 || r.checkErrors.length > 0) return EXIT_USAGE;
  return r.summary.findings.error > 0 ? EXIT_FAIL : EXIT_OK;
}

/** A progress bar on stderr, only when it is a terminal (never in pipes, CI logs or JSON consumers). */
function progressBar(io: CliIo): { update: (p: CollectProgress) => void; stop: () => void } {
  if (!io.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar({
    stream: io.stderr,
    format: "sweep {phase} [{bar}] {value}/{total}",
    hideCursor: true,
    clearOnComplete: true,
  });
  let started = false;
  return {
    update: (p) => {
      if (!started) {
        bar.start(Math.max(p.total, 1), p.done, { phase: p.phase.padEnd(14) });
        started = true;
      }
      bar.setTotal(Math.max(p.total, 1));
      bar.update(p.done, { phase: p.phase.padEnd(14) });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

export interface SweepCommandOptions {
  policy: string;
  subscription: string[];
  output: string;
  reconcile: boolean;
}

export async function sweepCommand(
  io: CliIo,
  opts: SweepCommandOptions,
  logger: Logger = streamLogger(io.stderr, "warn"),
): Promise<number> {
  if (opts.output !== "table" && opts.output !== "json") {
    io.stderr.write(`linkgate: --output "${opts.output}" is not one of: table, json\n`);
    return EXIT_USAGE;
  }
  const loaded = await loadPolicyRuntime(path.resolve(io.cwd, opts.policy), logger);
  if (loaded.errors.length > 0) {
    for (const e of loaded.errors) io.stderr.write(`${e}\n`);
    io.stderr.write(
      "linkgate: the policy is invalid; fix it before sweeping (the policy checks and reconcile depend on it)\n",
    );
    return EXIT_USAGE;
  }
  let runtime;
  try {
    runtime = sweepRuntime({
      env: io.env,
      logger,
      policy: loaded.runtime,
      subscriptions: opts.subscription,
      trigger: "cli",
    });
  } catch (e) {
    io.stderr.write(`linkgate: ${errorMessage(e)}\n`);
    return EXIT_USAGE;
  }
  const bar = progressBar(io);
  let result: SweepResult;
  try {
    result = await runSweep(runtime.deps, {
      ...runtime.options,
      reconcile: opts.reconcile,
      onProgress: bar.update,
    });
  } catch (e) {
    bar.stop();
    io.stderr.write(`linkgate: sweep failed: ${errorMessage(e)}\n`);
    await closeTelemetry(runtime.deps.telemetry);
    return EXIT_USAGE;
  }
  bar.stop();
  await closeTelemetry(runtime.deps.telemetry);
  if (opts.output === "json") io.stdout.write(`${JSON.stringify(toJson(result))}\n`);
  else io.stdout.write(formatTable(result));
  return exitCodeFor(result);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("sweep")
    .description(
      "run the health checks over the estate once and report findings. Read-only: never writes to Azure " +
        "unless --reconcile is given",
    )
    .requiredOption("--policy <file>", "policy file (YAML or JSON)")
    .option(
      "--subscription <id>",
      "subscription to sweep (repeatable; default LINKGATE_SUBSCRIPTIONS)",
      collect,
      [],
    )
    .option("-o, --output <format>", "table or json", "table")
    .option(
      "--reconcile",
      "also decide Pending connections the events missed; WRITES to Azure when the policy's mode is enforce",
      false,
    )
    .option("--no-reconcile", "report missed events, never decide them (the default)")
    .action(async (opts: SweepCommandOptions) => {
      ctx.exitCode = await sweepCommand(ctx.io, opts);
    });
}

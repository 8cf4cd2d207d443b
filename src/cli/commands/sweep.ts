/**
 * `linkgate sweep [--policy FILE] [--subscription ID ...] [-o FORMAT] [--severity S] [--check ID] [--fail-on S]
 * [--baseline FILE | --write-baseline FILE] [--reconcile]`: one health sweep with the same core and adapters as
 * the timer function. Read-only unless `--reconcile` (then Pending connections are decided, and written when the
 * policy is in enforce mode), as a health check should be. Without --policy only the health checks run.
 *
 * Stable contract: `-o json` is exactly one object `{"findings":[...],"summary":{...}}` on stdout. Exit 0 when no
 * finding at or above --fail-on (default error) remains, 1 when one does, 2 when the sweep could not run
 * completely (bad policy or settings, a collection or check error): an incomplete sweep is never reported as
 * healthy. Formats: one file each under ../output/. Finding state is used when Table Storage is configured;
 * otherwise the run is stateless (every finding is "opened").
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import { SingleBar } from "cli-progress";
import { errorMessage } from "../../core/errors";
import { SEVERITIES, type Severity } from "../../core/findings";
import { runSweep, type SweepResult } from "../../core/sweep";
import type { CollectProgress, Logger } from "../../ports";
import { loadPolicyRuntime, streamLogger } from "../../adapters/compose";
import { checkSignIn } from "../../adapters/arm/signIn";
import { azCliSubscription } from "../../adapters/azureCli";
import { sweepRuntime } from "../../adapters/inventory/sweepRuntime";
import { closeTelemetry } from "../../adapters/telemetry/appInsights";
import { EXIT_FAIL, EXIT_OK, EXIT_USAGE, type CliContext, type CliIo } from "../io";
import {
  applyBaseline,
  BASELINE_MAX_ENTRIES,
  baselineFor,
  parseBaseline,
  type BaselineEntry,
} from "../output/baseline";
import { applyFilters, failed, FAIL_ON, listOption, type FailOn } from "../output/gate";
import { formatJson } from "../output/json";
import { formatJunit } from "../output/junit";
import { formatMarkdown } from "../output/markdown";
import { formatSarif } from "../output/sarif";
import { DEFAULT_COLUMNS, formatTable as renderTable } from "../output/table";
import { allChecks, packageDocBase, type AcceptedFinding, type SweepView } from "../output/view";
import { formatWide } from "../output/wide";
import { formatYaml } from "../output/yaml";

export { toJson, type SweepJson } from "../output/json";

export const OUTPUTS = ["table", "wide", "json", "yaml", "sarif", "junit", "markdown"] as const;
export type OutputFormat = (typeof OUTPUTS)[number];

/** The package's root (it runs from src/ under jest, dist/src/ when built) and version. */
export function packageInfo(): { root: string; version: string } {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, "package.json");
    if (fs.existsSync(candidate)) {
      const pkg = JSON.parse(fs.readFileSync(candidate, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "linkgate") return { root: dir, version: pkg.version ?? "0.0.0" };
    }
    const up = path.dirname(dir);
    if (up === dir) return { root: process.cwd(), version: "0.0.0" };
    dir = up;
  }
}

/** A view of every open finding (no filter, no baseline): what the demo and the default table print. */
export function sweepView(result: SweepResult, over: Partial<Omit<SweepView, "result">> = {}): SweepView {
  const info = packageInfo();
  return {
    result,
    findings: result.findings,
    accepted: [],
    carried: new Set(result.carried.map((f) => f.id)),
    docBase: packageDocBase(info.root),
    version: info.version,
    ...over,
  };
}

/** The default table at DEFAULT_COLUMNS (the demo's output). */
export function formatTable(r: SweepResult, columns = DEFAULT_COLUMNS): string {
  return renderTable(sweepView(r), columns);
}

export function exitCodeFor(r: SweepResult, findings = r.findings, failOn: FailOn = "error"): number {
  if (r.collectionErrors.length > 0 || r.checkErrors.length > 0 || r.summary.revocationError)
    return EXIT_USAGE;
  return failed(findings, failOn) ? EXIT_FAIL : EXIT_OK;
}

/** The width the table fits: the terminal's, else $COLUMNS, else 120. */
export function outputColumns(io: CliIo): number {
  const tty = (io.stdout as { columns?: number }).columns;
  if (io.stdout.isTTY && typeof tty === "number" && tty > 0) return tty;
  const env = Number(io.env["COLUMNS"]);
  return Number.isInteger(env) && env >= 40 && env <= 1000 ? env : DEFAULT_COLUMNS;
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
  policy?: string;
  subscription: string[];
  output: string;
  reconcile: boolean;
  severity?: string[];
  check?: string[];
  failOn?: string;
  baseline?: string;
  writeBaseline?: string;
  docBase?: string;
}

interface Prepared {
  format: OutputFormat;
  failOn: FailOn;
  severities?: Set<Severity>;
  checks?: Set<string>;
  baseline: BaselineEntry[];
  docBase?: string;
}

/** Checks the options before anything touches Azure; errors are one line each. */
function prepare(io: CliIo, opts: SweepCommandOptions): Prepared | { errors: string[] } {
  const errors: string[] = [];
  const format = opts.output as OutputFormat;
  if (!OUTPUTS.includes(format))
    errors.push(`--output "${opts.output}" is not one of: ${OUTPUTS.join(", ")}`);
  const failOn = (opts.failOn ?? "error") as FailOn;
  if (!FAIL_ON.includes(failOn))
    errors.push(`--fail-on "${opts.failOn}" is not one of: ${FAIL_ON.join(", ")}`);
  const sev = listOption(opts.severity ?? []).map((s) => s.toLowerCase());
  for (const s of sev)
    if (!SEVERITIES.includes(s as Severity))
      errors.push(`--severity "${s}" is not one of: ${SEVERITIES.join(", ")}`);
  const chk = listOption(opts.check ?? []);
  const known = new Set(allChecks().map((c) => c.id));
  for (const c of chk) if (!known.has(c)) errors.push(`--check "${c}" is not a check id (see docs/checks/)`);
  if (opts.reconcile && !opts.policy)
    errors.push("--reconcile needs --policy: there is nothing to decide with");
  if (
    opts.baseline &&
    opts.writeBaseline &&
    path.resolve(io.cwd, opts.baseline) !== path.resolve(io.cwd, opts.writeBaseline)
  )
    errors.push(
      "--baseline and --write-baseline name different files; give one, or the same file to update it",
    );
  let docBase: string | undefined;
  if (opts.docBase !== undefined) {
    try {
      docBase = new URL(opts.docBase.endsWith("/") ? opts.docBase : `${opts.docBase}/`).href;
    } catch {
      errors.push(`--doc-base "${opts.docBase}" is not an absolute URL`);
    }
  }
  let baseline: BaselineEntry[] = [];
  const baselineFile = opts.baseline ?? opts.writeBaseline;
  if (baselineFile) {
    const full = path.resolve(io.cwd, baselineFile);
    let text: string | undefined;
    try {
      text = fs.readFileSync(full, "utf8");
    } catch (e) {
      // --write-baseline may create the file; --baseline must read one.
      if (opts.baseline) errors.push(`--baseline ${baselineFile}: cannot read it: ${errorMessage(e)}`);
    }
    if (text !== undefined) {
      const parsed = parseBaseline(text, baselineFile);
      if ("errors" in parsed) errors.push(...parsed.errors);
      else baseline = parsed.entries;
    }
  }
  if (errors.length > 0) return { errors };
  return {
    format,
    failOn,
    ...(sev.length > 0 ? { severities: new Set(sev as Severity[]) } : {}),
    ...(chk.length > 0 ? { checks: new Set(chk) } : {}),
    baseline,
    ...(docBase ? { docBase } : {}),
  };
}

function render(view: SweepView, p: Prepared, io: CliIo): string {
  switch (p.format) {
    case "json":
      return formatJson(view);
    case "yaml":
      return formatYaml(view);
    case "sarif":
      return formatSarif(view);
    case "junit":
      return formatJunit(view, p.failOn);
    case "markdown":
      return formatMarkdown(view);
    case "wide":
      return formatWide(view);
    case "table":
      return renderTable(view, outputColumns(io));
  }
}

export async function sweepCommand(
  io: CliIo,
  opts: SweepCommandOptions,
  logger: Logger = streamLogger(io.stderr, "warn"),
  azCli: () => Promise<string | undefined> = () => azCliSubscription(),
): Promise<number> {
  const p = prepare(io, opts);
  if ("errors" in p) {
    for (const e of p.errors) io.stderr.write(`linkgate: ${e}\n`);
    return EXIT_USAGE;
  }
  let policy;
  if (opts.policy) {
    const loaded = await loadPolicyRuntime(path.resolve(io.cwd, opts.policy), logger);
    if (loaded.errors.length > 0) {
      for (const e of loaded.errors) io.stderr.write(`${e}\n`);
      io.stderr.write(
        "linkgate: the policy is invalid; fix it before sweeping (the policy checks and reconcile depend on it)\n",
      );
      return EXIT_USAGE;
    }
    policy = loaded.runtime;
  }
  let subscriptions = opts.subscription;
  if (
    subscriptions.length === 0 &&
    !(io.env["LINKGATE_SUBSCRIPTIONS"] ?? "").trim() &&
    !(io.env["LINKGATE_MANAGEMENT_GROUP"] ?? "").trim() &&
    !io.env["LINKGATE_EMULATOR"]
  ) {
    const current = await azCli();
    if (current) {
      io.stderr.write(
        `linkgate: no --subscription given: sweeping the Azure CLI's current subscription ${current} (az account show)\n`,
      );
      subscriptions = [current];
    }
  }
  let runtime;
  try {
    runtime = sweepRuntime({
      env: io.env,
      logger,
      policy,
      subscriptions,
      trigger: "cli",
    });
  } catch (e) {
    io.stderr.write(`linkgate: ${errorMessage(e)}\n`);
    return EXIT_USAGE;
  }
  const signIn = await checkSignIn(io.env);
  if (signIn) {
    io.stderr.write(`linkgate: ${signIn}\n`);
    await closeTelemetry(runtime.deps.telemetry);
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
  if (!policy)
    io.stderr.write("linkgate: no --policy: health checks only (the policy checks need a policy)\n");

  const now = new Date();
  const filtered = applyFilters(result.findings, { severities: p.severities, checks: p.checks });
  let baseline = p.baseline;
  if (opts.writeBaseline) {
    const file = path.resolve(io.cwd, opts.writeBaseline);
    // The entries written are the ones applied: the file is not read back.
    const written = baselineFor(filtered, baseline, now);
    if (written.overLimit !== undefined) {
      io.stderr.write(
        `linkgate: --write-baseline ${opts.writeBaseline}: ${written.overLimit} findings to accept, over the ` +
          `baseline's limit of ${BASELINE_MAX_ENTRIES} (--baseline would refuse the file); narrow them with ` +
          `--severity, --check or the scope; nothing written\n`,
      );
      return EXIT_USAGE;
    }
    try {
      fs.writeFileSync(file, written.text);
    } catch (e) {
      io.stderr.write(
        `linkgate: --write-baseline ${opts.writeBaseline}: cannot write it: ${errorMessage(e)}\n`,
      );
      return EXIT_USAGE;
    }
    baseline = written.entries;
    io.stderr.write(
      `linkgate: wrote ${baseline.length} accepted finding(s) to ${opts.writeBaseline}; give each a reason\n`,
    );
  }
  const { kept, accepted, expired } = applyBaseline(filtered, baseline, now);
  for (const e of expired)
    io.stderr.write(
      `linkgate: baseline entry for ${e.checkId} on ${e.resourceId} expired on ${e.expires}; it accepts nothing now\n`,
    );
  const view = sweepView(result, {
    findings: kept,
    accepted: accepted satisfies AcceptedFinding[],
    ...(p.docBase ? { docBase: p.docBase } : {}),
  });
  io.stdout.write(render(view, p, io));
  return exitCodeFor(result, kept, p.failOn);
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
    .option("--policy <file>", "policy file (YAML or JSON); without it only the health checks run")
    .option(
      "--subscription <id>",
      "subscription to sweep (repeatable; default LINKGATE_SUBSCRIPTIONS)",
      collect,
      [],
    )
    .option(
      "-o, --output <format>",
      `${OUTPUTS.join(", ")} (table fits the terminal; $COLUMNS or 120 when piped)`,
      "table",
    )
    .option(
      "--severity <list>",
      "report only these severities (error, warning, info; repeatable or comma separated)",
      collect,
      [],
    )
    .option("--check <list>", "report only these check ids (repeatable or comma separated)", collect, [])
    .option(
      "--fail-on <severity>",
      "exit 1 when a reported finding at or above this remains: error, warning, info or none",
      "error",
    )
    .option(
      "--baseline <file>",
      "accepted findings (by check and resource ID, with reason and optional expiry) to leave out",
    )
    .option(
      "--write-baseline <file>",
      "write the reported findings as a baseline file (keeps reasons already in it)",
    )
    .option(
      "--doc-base <url>",
      "absolute URL the check docs (docs/checks/*.md) live under; default: this package's files",
    )
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

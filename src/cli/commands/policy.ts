/**
 * `linkgate policy validate FILE` and `linkgate policy test POLICY CASES`: check a policy before it is
 * deployed, and pin its behaviour with example requests (a table of cases kept next to the policy).
 */
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import type { Command } from "commander";
import { isMap, isSeq, LineCounter, parseDocument } from "yaml";
import type { DecisionAction, DecisionFacts } from "../../core/model";
import {
  evaluate,
  formatPolicyError,
  parseDecisionFacts,
  parsePolicy,
  type Policy,
  type PolicyError,
} from "../../core/policy";
import { formatPolicyWarning, locatePolicyWarnings } from "../../core/policy/warnings";
import { errorMessage } from "../../core/errors";
import { EXIT_FAIL, EXIT_OK, EXIT_USAGE, type CliContext, type CliIo } from "../io";
import { formatPolicyJunit, type PolicyCaseResult } from "../output/policyJunit";
import { registerWhatIf } from "./whatIf";

/** The message of an error, also for errors from another realm (e.g. node:fs under a test runner's VM). */
export type LoadedPolicy =
  { readonly policy: Policy; readonly text: string } | { readonly errors: readonly PolicyError[] };

/** Reads and parses a policy file; an unreadable file is reported as one positioned error at 1:1. */
export async function loadPolicyFile(io: CliIo, file: string): Promise<LoadedPolicy> {
  let text: string;
  try {
    text = await readFile(path.resolve(io.cwd, file), "utf8");
  } catch (e) {
    return {
      errors: [
        { file, line: 1, col: 1, field: "(file)", message: `cannot read the policy: ${errorMessage(e)}` },
      ],
    };
  }
  const parsed = parsePolicy(text, file);
  return "errors" in parsed ? parsed : { policy: parsed.policy, text };
}

const ACTIONS: readonly DecisionAction[] = ["approve", "reject", "pending"];

interface TestCase {
  readonly name: string;
  readonly facts: DecisionFacts;
  readonly expectAction: DecisionAction;
  readonly expectRuleId?: string;
}

/** Parses the cases file: a YAML/JSON list of `{name, request, expect: {action, ruleId?}}`. */
export function parseCases(text: string, file: string): { cases: TestCase[] } | { errors: string[] } {
  const lc = new LineCounter();
  // Merge keys (`<<: *base`) let cases vary one fact of a shared request.
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    return {
      errors: doc.errors.map((e) => {
        const p = lc.linePos(e.pos[0]);
        return `${file}:${p.line}:${p.col} (yaml): ${e.message.split("\n")[0] ?? e.message}`;
      }),
    };
  }
  const where = (i: number) => {
    const node = isSeq(doc.contents) ? doc.contents.items[i] : undefined;
    const start = isMap(node) && node.range ? node.range[0] : 0;
    const p = lc.linePos(start);
    return `${file}:${p.line}:${p.col} cases[${i}]`;
  };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return { errors: [`${file}:1:1 (yaml): ${errorMessage(e)}`] };
  }
  if (!Array.isArray(value))
    return { errors: [`${file}:1:1 (document): must be a list of cases {name, request, expect}`] };
  if (value.length === 0) return { errors: [`${file}:1:1 (document): the list of cases is empty`] };
  const errors: string[] = [];
  const cases: TestCase[] = [];
  value.forEach((c: unknown, i: number) => {
    const at = where(i);
    if (typeof c !== "object" || c === null || Array.isArray(c)) {
      errors.push(`${at}: must be a mapping {name, request, expect}`);
      return;
    }
    const o = c as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!["name", "request", "expect"].includes(k))
        errors.push(`${at}.${k}: unknown key; expected name, request, expect`);
    }
    const name = o.name;
    if (typeof name !== "string" || !name) errors.push(`${at}.name: must be a non-empty string`);
    const facts = parseDecisionFacts(o.request, `${at}.request`);
    if ("errors" in facts) errors.push(...facts.errors);
    const expect = o.expect as Record<string, unknown> | undefined;
    const action = expect?.action;
    const ruleId = expect?.ruleId;
    if (typeof expect !== "object" || expect === null)
      errors.push(`${at}.expect: must be a mapping {action, ruleId?}`);
    else {
      if (typeof action !== "string" || !(ACTIONS as readonly string[]).includes(action)) {
        errors.push(`${at}.expect.action: must be one of ${ACTIONS.join(", ")}`);
      }
      if (ruleId !== undefined && typeof ruleId !== "string")
        errors.push(`${at}.expect.ruleId: must be a string`);
      for (const k of Object.keys(expect)) {
        if (k !== "action" && k !== "ruleId")
          errors.push(`${at}.expect.${k}: unknown key; expected action, ruleId`);
      }
    }
    if (
      typeof name === "string" &&
      name &&
      "facts" in facts &&
      typeof action === "string" &&
      (ACTIONS as readonly string[]).includes(action)
    ) {
      cases.push({
        name,
        facts: facts.facts,
        expectAction: action as DecisionAction,
        expectRuleId: typeof ruleId === "string" ? ruleId : undefined,
      });
    }
  });
  return errors.length > 0 ? { errors } : { cases };
}

function show(action: string, ruleId: string | undefined): string {
  return ruleId === undefined ? action : `${action} (rule ${ruleId})`;
}

export function register(program: Command, ctx: CliContext): void {
  const policy = program
    .command("policy")
    .description(
      "check and test approval policies. Offline (never reads or writes Azure), except what-if, which reads",
    );
  registerWhatIf(policy, ctx);

  policy
    .command("validate")
    .description(
      "validate a policy file; prints FILE:LINE:COL field: message per error (exit 2) and FILE:LINE:COL warning: field: message per warning on stderr (exit 0, or 2 with --strict)",
    )
    .argument("<file>", "policy file (YAML or JSON)")
    .option("--strict", "treat warnings as errors (exit 2 when there is any)")
    .action(async (file: string, opts: { strict?: boolean }) => {
      const { io } = ctx;
      const loaded = await loadPolicyFile(io, file);
      if ("errors" in loaded) {
        for (const e of loaded.errors) io.stdout.write(`${formatPolicyError(e)}\n`);
        ctx.exitCode = EXIT_USAGE;
        return;
      }
      const p = loaded.policy;
      // Warnings: facts a targeted type never exposes, shadowed rules, approvals on requester-written facts
      // only, an unreachable default (core/policy/warnings.ts and lint.ts).
      const warnings = locatePolicyWarnings(loaded.text, file, p);
      for (const w of warnings) io.stderr.write(`${formatPolicyWarning(w)}\n`);
      const noted = warnings.length > 0 ? `, ${warnings.length} warning(s)` : "";
      if (opts.strict && warnings.length > 0) {
        io.stderr.write(`linkgate: ${file} has ${warnings.length} warning(s) and --strict was given\n`);
        ctx.exitCode = EXIT_USAGE;
        return;
      }
      io.stderr.write(
        `ok: ${file} (${p.rules.length} rules, mode ${p.mode}, default ${p.default}${noted})\n`,
      );
      ctx.exitCode = EXIT_OK;
    });

  policy
    .command("test")
    .description("run example requests against a policy; prints PASS/FAIL per case and a summary")
    .argument("<policy>", "policy file (YAML or JSON)")
    .argument("<cases>", "cases file: a list of {name, request, expect: {action, ruleId?}}")
    .option(
      "-o, --output <format>",
      "text (PASS/FAIL lines) or junit (JUnit XML for CI test reports)",
      "text",
    )
    .action(async (policyFile: string, casesFile: string, opts: { output: string }) => {
      const { io } = ctx;
      if (opts.output !== "text" && opts.output !== "junit") {
        io.stderr.write(`linkgate: --output "${opts.output}" is not one of: text, junit\n`);
        ctx.exitCode = EXIT_USAGE;
        return;
      }
      const junit = opts.output === "junit";
      const loaded = await loadPolicyFile(io, policyFile);
      if ("errors" in loaded) {
        for (const e of loaded.errors) io.stderr.write(`${formatPolicyError(e)}\n`);
        io.stderr.write(`linkgate: ${policyFile} is not a valid policy; no case was run\n`);
        ctx.exitCode = EXIT_USAGE;
        return;
      }
      let text: string;
      try {
        text = await readFile(path.resolve(io.cwd, casesFile), "utf8");
      } catch (e) {
        io.stderr.write(`linkgate: cannot read the cases file ${casesFile}: ${errorMessage(e)}\n`);
        ctx.exitCode = EXIT_USAGE;
        return;
      }
      const parsed = parseCases(text, casesFile);
      if ("errors" in parsed) {
        for (const e of parsed.errors) io.stderr.write(`${e}\n`);
        ctx.exitCode = EXIT_USAGE;
        return;
      }
      let passed = 0;
      let failed = 0;
      const results: PolicyCaseResult[] = [];
      for (const c of parsed.cases) {
        const d = evaluate(loaded.policy, c.facts);
        const ok =
          d.action === c.expectAction && (c.expectRuleId === undefined || d.ruleId === c.expectRuleId);
        const expected = show(c.expectAction, c.expectRuleId);
        const got = show(d.action, d.ruleId);
        results.push({ name: c.name, ok, expected, got, reasons: d.reasons });
        if (ok) {
          passed++;
          if (!junit) io.stdout.write(`PASS ${c.name}\n`);
        } else {
          failed++;
          if (!junit) io.stdout.write(`FAIL ${c.name}: expected ${expected}, got ${got}\n`);
          for (const r of d.reasons) io.stderr.write(`  ${c.name}: ${r}\n`);
        }
      }
      if (junit) io.stdout.write(formatPolicyJunit(policyFile, casesFile, results));
      else io.stdout.write(`${passed} passed, ${failed} failed\n`);
      ctx.exitCode = failed > 0 ? EXIT_FAIL : EXIT_OK;
    });
}

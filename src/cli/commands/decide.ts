/**
 * `linkgate decide --policy FILE --request FILE [--explain]`: one decision for one request, exactly as
 * the Event Grid function would make it, without touching Azure. stdout carries one JSON line
 * `{"action","ruleId","message","reasons"}`; `--explain` adds a readable rule-by-rule trace on stderr.
 */
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import type { Command } from "commander";
import type { Decision } from "../../core/model";
import {
  explain,
  FAIL_CLOSED_DECISION,
  formatPolicyError,
  parseDecisionFacts,
  type Explanation,
} from "../../core/policy";
import { EXIT_OK, EXIT_USAGE, type CliContext } from "../io";
import { errorMessage } from "../../core/errors";
import { loadPolicyFile } from "./policy";

function jsonLine(d: Decision): string {
  return `${JSON.stringify({ action: d.action, ruleId: d.ruleId, message: d.message, reasons: d.reasons })}\n`;
}

/** The `--explain` text: every rule tried, each condition with its outcome, then the decision. */
export function formatExplanation(x: Explanation): string {
  const lines: string[] = [];
  const mark = { match: "ok  ", "no-match": "FAIL", unknown: "UNKN" } as const;
  for (const t of x.trace) {
    lines.push(`${t.matched ? "MATCH" : t.undecidable ? "UNDEC" : "skip "} rule ${t.ruleId}`);
    if (t.results.length === 0) lines.push("      (no conditions: matches every request)");
    for (const c of t.results) lines.push(`      ${mark[c.outcome]} ${c.field}: ${c.detail}`);
  }
  const undecided = x.trace.filter((t) => t.undecidable).map((t) => t.ruleId);
  if (undecided.length > 0)
    lines.push(`rule ${undecided.join(", ")} could not be evaluated (UNKN facts): nothing later decides`);
  else if (x.decision.ruleId === "default") lines.push("no rule matched: the policy default decides");
  lines.push(`=> ${x.decision.action} (rule ${x.decision.ruleId}): ${x.decision.message}`);
  return `${lines.join("\n")}\n`;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("decide")
    .description("decide one request (JSON facts) against a policy. Offline: never reads or writes Azure")
    .requiredOption("--policy <file>", "policy file (YAML or JSON)")
    .requiredOption(
      "--request <file>",
      "request facts (JSON): requester, target, requestMessage, approvedCount, at ...",
    )
    .option("--explain", "also print the rule-by-rule evaluation to stderr", false)
    .action(async (opts: { policy: string; request: string; explain: boolean }) => {
      const { io } = ctx;
      let raw: unknown;
      try {
        raw = JSON.parse(await readFile(path.resolve(io.cwd, opts.request), "utf8"));
      } catch (e) {
        io.stderr.write(`linkgate: cannot read the request ${opts.request} as JSON: ${errorMessage(e)}\n`);
        ctx.exitCode = EXIT_USAGE;
        return;
      }
      const facts = parseDecisionFacts(raw, opts.request);
      if ("errors" in facts) {
        for (const e of facts.errors) io.stderr.write(`linkgate: ${e}\n`);
        ctx.exitCode = EXIT_USAGE;
        return;
      }
      const loaded = await loadPolicyFile(io, opts.policy);
      if ("errors" in loaded) {
        // Fail closed: print the decision the service would make with this policy (never approve).
        io.stdout.write(jsonLine(FAIL_CLOSED_DECISION(loaded.errors)));
        for (const e of loaded.errors) io.stderr.write(`${formatPolicyError(e)}\n`);
        ctx.exitCode = EXIT_USAGE;
        return;
      }
      const x = explain(loaded.policy, facts.facts);
      io.stdout.write(jsonLine(x.decision));
      if (opts.explain) io.stderr.write(formatExplanation(x));
      ctx.exitCode = EXIT_OK;
    });
}

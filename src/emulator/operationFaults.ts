/**
 * Faults in how a long-running write *ends* rather than in how a request is answered: the write is accepted
 * as its provider's contract says (Key Vault's 200 + Updating, Sql's 202...), and its operation then ends
 * Failed (or Canceled) with the given error, the connection rolled back. This is what an approval that "did
 * not take" looks like in Azure. Rules come from tests (`emu.operationFaults.add`), EmulatorOptions, or
 * `operation-faults.json` in the seed directory (`{"rules":[...]}` or an array).
 */
import { checkTimesAndPath, loadRulesFile } from "./faults";
import type { OperationError, OperationOutcome } from "./operations";

export interface OperationFaultRule {
  id?: string;
  /** Write method to match (PUT, PATCH, DELETE); any when absent. */
  method?: string;
  /** Regular expression, case-insensitive, matched against the decoded path of the write; any when absent. */
  path?: string;
  /** Affect only the next N matching writes; unlimited when absent. */
  times?: number;
  /** How the operation ends. */
  outcome: "Failed" | "Canceled";
  /** Error code of the failed operation (default `PrivateEndpointConnectionUpdateFailed`). */
  code?: string;
  message?: string;
}

const FIELDS = new Set(["id", "method", "path", "times", "outcome", "code", "message"]);

export class OperationFaultConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OperationFaultConfigError";
  }
}

function validate(rule: OperationFaultRule, where: string): void {
  for (const k of Object.keys(rule))
    if (!FIELDS.has(k))
      throw new OperationFaultConfigError(
        `${where}: unknown field "${k}" (allowed: ${[...FIELDS].join(", ")})`,
      );
  if (rule.outcome !== "Failed" && rule.outcome !== "Canceled")
    throw new OperationFaultConfigError(`${where}: "outcome" must be "Failed" or "Canceled"`);
  checkTimesAndPath(rule, where, OperationFaultConfigError);
}

interface Live {
  rule: OperationFaultRule & { id: string };
  path?: RegExp;
  remaining: number;
  hits: number;
}

export class OperationFaultController {
  private rules: Live[] = [];
  private counter = 0;

  add(rule: OperationFaultRule): string {
    validate(rule, `operation fault rule ${JSON.stringify(rule)}`);
    const id = rule.id ?? `operation-fault-${++this.counter}`;
    this.rules.push({
      rule: { ...rule, id },
      path: rule.path !== undefined ? new RegExp(rule.path, "i") : undefined,
      remaining: rule.times ?? Number.POSITIVE_INFINITY,
      hits: 0,
    });
    return id;
  }

  clear(): void {
    this.rules = [];
  }

  list(): { rule: Readonly<OperationFaultRule>; hits: number; remaining: number }[] {
    return this.rules.map((r) => ({ rule: r.rule, hits: r.hits, remaining: r.remaining }));
  }

  /** The outcome for a long-running write just accepted; undefined means it succeeds. */
  match(method: string, path: string): { outcome: OperationOutcome; error: OperationError } | undefined {
    for (const r of this.rules) {
      if (r.rule.method && r.rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (r.path && !r.path.test(path)) continue;
      r.hits++;
      r.remaining--;
      if (r.remaining <= 0) this.rules = this.rules.filter((x) => x !== r);
      const code = r.rule.code ?? "PrivateEndpointConnectionUpdateFailed";
      return {
        outcome: r.rule.outcome,
        error: {
          code,
          message:
            r.rule.message ??
            `Injected operation fault (rule ${r.rule.id}): the provider could not apply the change to '${path}'.`,
        },
      };
    }
    return undefined;
  }

  loadFile(file: string): number {
    return loadRulesFile(
      file,
      "operation fault rules",
      (r) => this.add(r as OperationFaultRule),
      OperationFaultConfigError,
    );
  }
}

/** `--output json`: the stable contract, exactly one object `{"findings":[...],"summary":{...}}`. */
import type { Finding } from "../../core/findings";
import type { SweepResult } from "../../core/sweep";
import type { SweepView } from "./view";

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

/** The JSON document; `findings` defaults to every open finding (the view passes the filtered ones). */
export function toJson(r: SweepResult, findings: readonly Finding[] = r.findings): SweepJson {
  const opened = new Set(r.opened.map((f) => f.id));
  const carried = new Set(r.carried.map((f) => f.id));
  return {
    findings: findings.map((f) => ({
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

export function formatJson(v: SweepView): string {
  return `${JSON.stringify(toJson(v.result, v.findings))}\n`;
}

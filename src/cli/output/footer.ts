/**
 * The lines under a sweep table (table and wide): decisions, resolved findings, errors, the DEGRADED notice,
 * the baseline and the one-line summary. Unwrapped; the table wraps them to the terminal.
 */
import { shortResource, type SweepView } from "./view";

export function footerLines(v: SweepView): string[] {
  const r = v.result;
  const s = r.summary;
  const out: string[] = [];
  for (const d of r.decisions)
    out.push(
      `decision: ${d.action} ${shortResource(d.connectionId)} by rule ${d.ruleId} (${d.mode}${d.written ? ", written" : ""})`,
    );
  for (const f of r.resolved) out.push(`resolved: ${f.checkId} ${shortResource(f.resourceId)}`);
  for (const e of r.collectionErrors) out.push(`collection error: ${e.scope}: ${e.message}`);
  for (const e of r.checkErrors) out.push(`check error: ${e.checkId}: ${e.message}`);
  if (s.stateError) out.push(`state error: ${s.stateError}`);
  if (s.revocationError) out.push(`revocation error: ${s.revocationError}`);
  if (s.degraded) {
    const blind = [...s.failedScopes, ...s.failedChecks.map((c) => `check ${c}`)].join(", ");
    out.push(
      `DEGRADED: could not read or run ${blind}; ${s.carriedForward} finding(s) there carried forward unchanged ` +
        `(not resolved), ${s.withheld} new one(s) withheld until a sweep that can read them`,
    );
  }
  if (v.accepted.length > 0) out.push(`${v.accepted.length} finding(s) accepted by the baseline (not shown)`);
  const hidden = r.findings.length - v.findings.length - v.accepted.length;
  if (hidden > 0) out.push(`${hidden} finding(s) hidden by --severity/--check`);
  out.push(
    "",
    `${s.findings.total} finding(s): ${s.findings.error} error, ${s.findings.warning} warning, ${s.findings.info} info; ` +
      `${s.opened} opened, ${s.resolved} resolved${s.stateful ? "" : " (stateless: no finding store configured)"}; ` +
      `${s.resources.privateLinkServices} PLS, ${s.resources.paasResources} PaaS, ${s.resources.privateEndpoints} private endpoints, ` +
      `${s.resources.connections} connections in ${s.subscriptions} subscription(s); ${s.decisions} decision(s); ${s.durationMs} ms`,
  );
  return out;
}

/**
 * The outputs of `linkgate policy what-if`: a terminal table, Markdown for a pull-request comment, JSON (the
 * report as is) and SARIF 2.1.0 (one rule per transition, one result per changed connection, located at the
 * connection's resource ID like the sweep's SARIF). All list only the connections whose outcome changes.
 */
import type * as Sarif from "sarif";
import type { Verdict, WhatIfChange, WhatIfReport } from "../../core/whatif/whatIf";
import { mdCode, mdText } from "../output/markdownText";
import { resourceParts } from "../output/view";

/** `…/privateLinkServices/pls1/privateEndpointConnections/c1` → `pls1/c1`: the names below the provider. */
function shortId(id: string): string {
  return resourceParts(id).name || id;
}

/** The reason that decided (the engine lists earlier rules' misses first, the deciding rule last). */
function decidingReason(v: Verdict): string {
  if (v.revocation) return v.revocation.why;
  return v.reasons[v.reasons.length - 1] ?? "";
}

function side(v: Verdict): string {
  const until = v.expiresAt ? ` until ${v.expiresAt}` : "";
  return `${v.outcome} by ${v.ruleId}${until}`;
}

export function summaryLine(r: WhatIfReport): string {
  const total = r.changes.length;
  if (total === 0) return `No change: all ${r.connections} connection(s) keep their outcome.`;
  const parts = r.summary.map((s) => `${s.count} ${s.transition}`).join(", ");
  return `${total} change(s): ${parts}; ${r.unchanged} of ${r.connections} connection(s) unchanged.`;
}

function guardLine(r: WhatIfReport): string | undefined {
  const g = r.guard;
  if (!g) return undefined;
  if (g.tripped) {
    return `GUARD: ${g.wouldRevoke} revocation(s) exceed revocation.maxPerSweep ${g.maxPerSweep}: the sweep would revoke NONE and raise revocation-guard-tripped.`;
  }
  return `Revocation (${g.mode}): ${g.wouldRevoke} of at most ${g.maxPerSweep} per sweep.`;
}

function groups(r: WhatIfReport): Map<string, WhatIfChange[]> {
  const out = new Map<string, WhatIfChange[]>();
  for (const c of r.changes) out.set(c.transition, [...(out.get(c.transition) ?? []), c]);
  return out;
}

export function formatTable(r: WhatIfReport): string {
  const out: string[] = [];
  for (const [transition, list] of groups(r)) {
    out.push(`${transition} (${list.length})`);
    for (const c of list) {
      out.push(`  ${shortId(c.connectionId)}`);
      out.push(`    old: ${side(c.old)}`);
      out.push(`    new: ${side(c.new)}`);
      out.push(`    why: ${decidingReason(c.new)}`);
    }
    out.push("");
  }
  for (const e of r.collectionErrors) out.push(`collection error: ${e.scope}: ${e.message}`);
  const g = guardLine(r);
  if (g) out.push(g);
  out.push(summaryLine(r));
  return `${out.join("\n")}\n`;
}

export function formatMarkdown(r: WhatIfReport, title = "linkgate policy what-if"): string {
  const out: string[] = [`### ${title}`, "", `**${summaryLine(r)}**`, ""];
  const g = guardLine(r);
  if (g) out.push(`> ${g}`, "");
  for (const [transition, list] of groups(r)) {
    out.push(`#### ${mdText(transition)} (${list.length})`, "");
    out.push("| Connection | Old | New | Why |", "| --- | --- | --- | --- |");
    for (const c of list) {
      out.push(
        `| ${mdCode(shortId(c.connectionId))} | ${mdText(side(c.old))} | ${mdText(side(c.new))} | ${mdText(decidingReason(c.new))} |`,
      );
    }
    out.push("");
  }
  if (r.collectionErrors.length > 0) {
    out.push("**Incomplete:** part of the scope could not be read:", "");
    for (const e of r.collectionErrors) out.push(`- ${mdText(e.scope)}: ${mdText(e.message)}`);
    out.push("");
  }
  out.push(`<sub>Evaluated at ${r.at}. Read-only: nothing was written.</sub>`, "");
  return out.join("\n");
}

/** `Pending → approve` → `pending-to-approve`: a stable kebab-case rule id per transition. */
export function transitionRuleId(transition: string): string {
  return transition
    .toLowerCase()
    .replace(/→/g, "to")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

function levelOf(c: WhatIfChange): Sarif.Result.level {
  if (c.new.revocation || c.new.outcome === "reject") return "warning";
  return "note";
}

export function formatSarif(r: WhatIfReport): Sarif.Log {
  const ids = [...groups(r).keys()];
  const rules: Sarif.ReportingDescriptor[] = ids.map((t) => ({
    id: transitionRuleId(t),
    name: transitionRuleId(t),
    shortDescription: { text: `Policy change: ${t}` },
  }));
  const results: Sarif.Result[] = r.changes.map((c) => ({
    ruleId: transitionRuleId(c.transition),
    ruleIndex: ids.indexOf(c.transition),
    level: levelOf(c),
    message: {
      text: `${c.transition}: ${shortId(c.connectionId)} (old: ${side(c.old)}; new: ${side(c.new)}): ${decidingReason(c.new)}`,
    },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: encodeURI(c.connectionId.replace(/^\/+/, "")), uriBaseId: "AZURE" },
        },
        logicalLocations: [{ fullyQualifiedName: c.connectionId, kind: "resource" }],
      },
    ],
    properties: { oldRule: c.old.ruleId, newRule: c.new.ruleId, status: c.status },
  }));
  return {
    version: "2.1.0",
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    runs: [
      {
        tool: { driver: { name: "linkgate-policy-what-if", rules } },
        originalUriBaseIds: { AZURE: { uri: "https://management.azure.com/" } },
        results,
        properties: { summary: summaryLine(r), at: r.at },
      },
    ],
  };
}

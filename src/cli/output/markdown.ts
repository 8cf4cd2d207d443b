/**
 * `--output markdown`: a summary for a pull-request comment or a CI job summary. Counts, a DEGRADED notice,
 * then one table row per finding (severity, check linked to its doc, rg/name, short message), bounded so the
 * comment stays under GitHub's 65,536 characters.
 */
import { footerLines } from "./footer";
import { mdCode, mdText } from "./markdownText";
import { absoluteDocUrl, shortMessage, shortResource, type SweepView } from "./view";

export const MARKDOWN_MAX_ROWS = 200;

const ICON = { error: "🔴 error", warning: "🟠 warning", info: "🔵 info" } as const;

export function formatMarkdown(v: SweepView): string {
  const s = v.result.summary;
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of v.findings) counts[f.severity] += 1;
  const out: string[] = [
    "## linkgate sweep",
    "",
    `**${v.findings.length} finding(s)**: ${counts.error} error, ${counts.warning} warning, ${counts.info} info ` +
      `in ${s.subscriptions} subscription(s)${v.accepted.length > 0 ? `; ${v.accepted.length} accepted by the baseline` : ""}.`,
    "",
  ];
  if (s.degraded)
    out.push(
      `> [!WARNING]\n> DEGRADED sweep: could not read or run ${mdText([...s.failedScopes, ...s.failedChecks.map((c) => `check ${c}`)].join(", "))}; ` +
        `${s.carriedForward} finding(s) carried forward, ${s.withheld} withheld.`,
      "",
    );
  if (v.findings.length > 0) {
    out.push("| Severity | Check | Resource | Message |", "| --- | --- | --- | --- |");
    for (const f of v.findings.slice(0, MARKDOWN_MAX_ROWS)) {
      out.push(
        `| ${ICON[f.severity]} | [${mdText(f.checkId)}](${absoluteDocUrl(f.docUrl, v.docBase)}) | ${mdCode(shortResource(f.resourceId))} | ${mdText(shortMessage(f.message))} |`,
      );
    }
    if (v.findings.length > MARKDOWN_MAX_ROWS)
      out.push("", `… and ${v.findings.length - MARKDOWN_MAX_ROWS} more (use \`--output json\` for all).`);
    out.push("");
  }
  const details = footerLines(v).filter((l) => l !== "");
  out.push(
    "<details><summary>Sweep details</summary>",
    "",
    ...details.map((l) => `- ${mdText(l)}`),
    "",
    "</details>",
    "",
  );
  return out.join("\n");
}

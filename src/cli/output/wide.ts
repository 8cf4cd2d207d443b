/**
 * `--output wide`: the table's columns (names not cut, nothing wrapped) plus the full message, the remediation
 * and the absolute documentation URL. As wide as it needs to be: for a pager or a file, not a narrow terminal.
 */
import { footerLines } from "./footer";
import { borderless, render } from "./table";
import { absoluteDocUrl, resourceParts, shortMessage, shortSubscription, type SweepView } from "./view";

export function formatWide(v: SweepView): string {
  const head = [
    "SEVERITY",
    "CHECK",
    "SUBSCRIPTION",
    "RESOURCE GROUP",
    "NAME",
    "MESSAGE",
    "REMEDIATION",
    "DOC",
  ];
  const rows = v.findings.map((f) => {
    const p = resourceParts(f.resourceId);
    return [
      f.severity.toUpperCase(),
      f.checkId,
      p.subscription ? shortSubscription(p.subscription) : "-",
      p.resourceGroup || "-",
      p.name || "-",
      shortMessage(f.message) +
        (v.carried.has(f.id) ? ` [carried forward, not re-checked: ${f.lastSeen}]` : ""),
      f.remediation.replace(/\s+/g, " "),
      absoluteDocUrl(f.docUrl, v.docBase),
    ];
  });
  const out: string[] = [];
  if (rows.length === 0) out.push("No findings.");
  else {
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)) + 2);
    const t = borderless(head, widths);
    for (const row of rows) t.push(row);
    out.push(...render(t));
  }
  out.push(...footerLines(v));
  return `${out.join("\n")}\n`;
}

/**
 * `--output table` (the default): one row per finding in columns SEVERITY, CHECK, SUBSCRIPTION (first block of
 * the GUID), RESOURCE GROUP, NAME and a short MESSAGE (full resource IDs shortened to rg/name), fitted to the
 * terminal width (process.stdout.columns, 120 when stdout is not a terminal): resource group, name and message
 * and the check id wrap in their columns (nothing is cut: names are what a reader copies into the portal). Rendered by
 * cli-table3 without borders, like kubectl.
 */
import Table from "cli-table3";
import { footerLines } from "./footer";
import { truncate, wrap } from "./text";
import { resourceParts, shortMessage, shortSubscription, type SweepView } from "./view";

export const DEFAULT_COLUMNS = 120;
const GAP = 2;
/** The message keeps 20% of a wide terminal, at least 24 columns of a narrow one (it wraps). */
const minMessage = (columns: number) => Math.max(24, Math.floor(columns * 0.2));
/** Columns whose cells wrap instead of being cut: check, resource group, name, message. */
const WRAPPED = new Set([1, 3, 4, 5]);
const MIN_SHRINKABLE = 8;

/** A borderless cli-table3 whose rows are exactly the sum of `widths` wide (before trimming). */
export function borderless(head: string[], widths: number[]): Table.Table {
  const none = "";
  return new Table({
    head,
    colWidths: widths,
    wordWrap: false,
    truncate: "…",
    style: { head: [], border: [], "padding-left": 0, "padding-right": GAP, compact: true },
    chars: {
      top: none,
      "top-mid": none,
      "top-left": none,
      "top-right": none,
      bottom: none,
      "bottom-mid": none,
      "bottom-left": none,
      "bottom-right": none,
      left: none,
      "left-mid": none,
      mid: none,
      "mid-mid": none,
      right: none,
      "right-mid": none,
      middle: none,
    },
  });
}

/** Renders a borderless table, trimming each line's padding. */
export function render(t: Table.Table): string[] {
  return t
    .toString()
    .split("\n")
    .map((l) => l.trimEnd());
}

/**
 * Column widths (cell text + gap) for rows of `natural` widths: the `shrinkable` groups give way in order (in
 * a group the widest column first, each down to MIN_SHRINKABLE) until the last column has its minimum and the
 * row fits `columns`.
 */
export function fitWidths(natural: number[], shrinkable: number[][], columns: number): number[] {
  const widths = natural.map((w) => w + GAP);
  const last = widths.length - 1;
  const others = () => widths.slice(0, last).reduce((a, b) => a + b, 0);
  const min = minMessage(columns);
  for (const group of shrinkable) {
    while (others() + min + GAP > columns) {
      const candidates = group.filter((i) => (widths[i] ?? 0) > MIN_SHRINKABLE + GAP);
      if (candidates.length === 0) break;
      const widest = candidates.reduce((a, b) => ((widths[b] ?? 0) > (widths[a] ?? 0) ? b : a));
      widths[widest] = (widths[widest] ?? 0) - 1;
    }
  }
  widths[last] = Math.max(min + GAP, Math.min(columns - others(), (natural[last] ?? 0) + GAP));
  return widths;
}

export function formatTable(v: SweepView, columns = DEFAULT_COLUMNS): string {
  const head = ["SEVERITY", "CHECK", "SUBSCRIPTION", "RESOURCE GROUP", "NAME", "MESSAGE"];
  const rows = v.findings.map((f) => {
    const p = resourceParts(f.resourceId);
    const message = v.carried.has(f.id)
      ? `${shortMessage(f.message)} [carried forward, not re-checked: ${f.lastSeen}]`
      : shortMessage(f.message);
    return [
      f.severity.toUpperCase(),
      f.checkId,
      p.subscription ? shortSubscription(p.subscription) : "-",
      p.resourceGroup || "-",
      p.name || "-",
      message,
    ];
  });
  const out: string[] = [];
  if (rows.length === 0) out.push("No findings.");
  else {
    const natural = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
    // Names give way first, the check id last (it is what a reader looks up).
    const widths = fitWidths(natural, [[3, 4], [1]], columns);
    // A header wider than its column wraps at its space (RESOURCE / GROUP) rather than being cut.
    const heads = head.map((h, i) => wrap(h, (widths[i] ?? GAP) - GAP).join("\n"));
    const t = borderless(heads, widths);
    for (const row of rows) {
      t.push(
        row.map((cell, i) =>
          WRAPPED.has(i)
            ? wrap(cell, (widths[i] ?? GAP) - GAP).join("\n")
            : truncate(cell, (widths[i] ?? GAP) - GAP),
        ),
      );
    }
    out.push(...render(t));
  }
  for (const line of footerLines(v)) out.push(...(line ? wrap(line, columns) : [""]));
  return `${out.join("\n")}\n`;
}

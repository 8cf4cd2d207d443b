/**
 * `linkgate policy what-if -o markdown|table|sarif` formatting: whatever a resource name, rule id or reason
 * holds (a pipe, a backslash, a newline, a backtick, HTML, emphasis), a changed connection stays one table row
 * of four cells that render exactly the text (checked by the GFM table and CommonMark escape rules, below);
 * connections are named by their short ID (the names below the provider).
 */
import { formatMarkdown, formatSarif, formatTable } from "../../../../src/cli/commands/whatIfFormat";
import type { Verdict, WhatIfChange, WhatIfReport } from "../../../../src/core/whatif/whatIf";

const SUB = "/subscriptions/11111111-1111-1111-1111-111111111111";
const PLS = (name: string) =>
  `${SUB}/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/${name}`;

const verdict = (outcome: string, ruleId: string, reason: string): Verdict => ({
  outcome,
  action: "approve",
  ruleId,
  reasons: ["an earlier rule missed", reason],
});

function change(pls: string, name: string, reason: string, ruleId = "new-rule"): WhatIfChange {
  return {
    connectionId: `${PLS(pls)}/privateEndpointConnections/${name}`,
    targetId: PLS(pls),
    status: "Pending",
    transition: "Pending → approve",
    old: verdict("pending", "default", "no rule matched"),
    new: verdict("approve", ruleId, reason),
  };
}

function report(changes: WhatIfChange[]): WhatIfReport {
  return {
    at: "2025-03-01T12:00:00.000Z",
    connections: changes.length + 1,
    unchanged: 1,
    changes,
    summary: [{ transition: "Pending → approve", count: changes.length }],
    collectionErrors: [],
  };
}

/** GFM table row: a backslash escapes the next character, any other pipe delimits a cell (cmark-gfm). */
function cellsOf(row: string): string[] {
  const cells: string[] = [];
  let cur = "";
  for (let i = 0; i < row.length; i++) {
    const ch = row[i] as string;
    if (ch === "\\" && i + 1 < row.length) {
      cur += ch + row[i + 1];
      i++;
    } else if (ch === "|") {
      cells.push(cur);
      cur = "";
    } else cur += ch;
  }
  cells.push(cur);
  // `| a | b |`: nothing before the first pipe or after the last; each cell's `\|` is a literal pipe.
  expect(cells[0]).toBe("");
  expect(cells[cells.length - 1]).toBe("");
  return cells.slice(1, -1).map((c) => c.trim().replace(/\\\|/g, "|"));
}

const ACTIVE = new Set(["\\", "`", "*", "_", "[", "]", "<", ">", "&", "~"]);

/** A plain cell's rendered text: every markdown-active character must be backslash-escaped (CommonMark). */
function plainText(cell: string): string {
  let out = "";
  for (let i = 0; i < cell.length; i++) {
    const ch = cell[i] as string;
    if (ch === "\\" && i + 1 < cell.length && /[!-/:-@[-`{-~]/.test(cell[i + 1] as string)) {
      out += cell[i + 1];
      i++;
      continue;
    }
    if (ACTIVE.has(ch)) throw new Error(`unescaped ${JSON.stringify(ch)} at ${i} in ${JSON.stringify(cell)}`);
    out += ch;
  }
  return out;
}

/** A code-span cell's literal (CommonMark): a backtick fence no run inside is as long as, one space padding. */
function codeLiteral(cell: string): string {
  const fence = /^`+/.exec(cell)?.[0] ?? "";
  expect(fence).not.toBe("");
  expect(cell.endsWith(fence) && cell.length >= 2 * fence.length).toBe(true);
  let inner = cell.slice(fence.length, cell.length - fence.length);
  for (const run of inner.match(/`+/g) ?? []) expect(run.length).not.toBe(fence.length);
  expect(/^`|`$/.test(inner)).toBe(false);
  if (inner.startsWith(" ") && inner.endsWith(" ") && inner.trim() !== "") inner = inner.slice(1, -1);
  return inner;
}

const rowsOf = (md: string) =>
  md.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| Connection") && !l.startsWith("| ---"));

describe("what-if markdown", () => {
  it.each([
    ["plain names", "pls1", "c1", "rule new-rule matches it"],
    ["a pipe in the reason", "pls1", "c1", "tag env=a|b"],
    ["a backslash before a pipe", "pls1", "c1", "path C:\\|x and a trailing \\"],
    ["newlines in the reason", "pls1", "c1", "line one\nline two\r\nline three"],
    ["a backtick in the reason", "pls1", "c1", "message `approve me` asked"],
    ["HTML and emphasis in the reason", "pls1", "c1", "<b>bold</b> *star* _under_ [x](y) &amp; ~~s~~"],
    ["a backtick in the connection name", "pls1", "c`1", "ok"],
    ["backticks at the ends and a run in the name", "pls1", "`c``1`", "ok"],
    ["a pipe in the connection name", "pls|1", "c1", "ok"],
  ])("%s: one row of four cells rendering exactly the text", (_n, pls, name, reason) => {
    const c = change(pls, name, reason);
    const md = formatMarkdown(report([c]));
    const rows = rowsOf(md);
    expect(rows).toHaveLength(1);
    const cells = cellsOf(rows[0] as string);
    expect(cells).toHaveLength(4);
    expect(codeLiteral(cells[0] as string)).toBe(`${pls}/${name}`);
    expect(plainText(cells[1] as string)).toBe("pending by default");
    expect(plainText(cells[2] as string)).toBe("approve by new-rule");
    expect(plainText(cells[3] as string)).toBe(reason.replace(/\r?\n|\r/g, " "));
  });

  it("a collection error's scope and message stay one list item each, rendering the text", () => {
    const r = { ...report([]), collectionErrors: [{ scope: "/subscriptions/x", message: "denied\n<b>|`" }] };
    const items = formatMarkdown(r)
      .split("\n")
      .filter((l) => l.startsWith("- "));
    expect(items).toHaveLength(1);
    expect(plainText((items[0] as string).slice(2).replace(/\\\|/g, "|"))).toBe(
      "/subscriptions/x: denied <b>|`",
    );
  });
});

describe("what-if short connection IDs", () => {
  it("names a connection by the names below its provider in the table, markdown and SARIF", () => {
    const r = report([change("pls-whatif", "a1", "why")]);
    expect(formatTable(r)).toContain("\n  pls-whatif/a1\n");
    expect(formatMarkdown(r)).toContain("| `pls-whatif/a1` |");
    expect(formatSarif(r).runs[0]?.results?.[0]?.message.text).toContain(": pls-whatif/a1 (old:");
  });
});

describe("what-if markdown: names a code span cannot hold", () => {
  it("a backslash in a connection name (it would escape a following pipe in a code span) is plain text", () => {
    const md = formatMarkdown(report([change("pls1", "c\\|1", "ok", "rule_with_underscores")]));
    const cells = cellsOf(rowsOf(md)[0] as string);
    expect(cells).toHaveLength(4);
    expect(plainText(cells[0] as string)).toBe("pls1/c\\|1");
    expect(plainText(cells[2] as string)).toBe("approve by rule_with_underscores");
  });
});

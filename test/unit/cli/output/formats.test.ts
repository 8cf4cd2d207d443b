/**
 * The sweep formatters (src/cli/output): table width at 80 and 120 columns, wide's remediation and absolute
 * doc URLs, SARIF's rules and results, JUnit parsed back with fast-xml-parser, markdown escaping, YAML = JSON,
 * filters, the --fail-on gate and the baseline.
 */
import { XMLParser } from "fast-xml-parser";
import { parse as parseYaml } from "yaml";
import { ALL_CHECKS } from "../../../../src/core/checks";
import { formatTable } from "../../../../src/cli/output/table";
import { formatWide } from "../../../../src/cli/output/wide";
import { toSarif } from "../../../../src/cli/output/sarif";
import { formatJunit } from "../../../../src/cli/output/junit";
import { formatMarkdown } from "../../../../src/cli/output/markdown";
import { formatYaml } from "../../../../src/cli/output/yaml";
import { toJson } from "../../../../src/cli/output/json";
import { applyFilters, atOrAbove, failed } from "../../../../src/cli/output/gate";
import { applyBaseline, parseBaseline, writeBaseline } from "../../../../src/cli/output/baseline";
import { exitCodeFor } from "../../../../src/cli/commands/sweep";
import { shortMessage } from "../../../../src/cli/output/view";
import { CONN, FINDINGS, NS, PLS, SUB, finding, result, view } from "./fixture";

describe("table", () => {
  it.each([80, 100, 120, 200])("fits %i columns, keeps every finding and no full resource ID", (columns) => {
    const out = formatTable(view(), columns);
    const lines = out.trimEnd().split("\n");
    expect(lines.filter((l) => l.length > columns)).toEqual([]);
    expect(lines[0]).toMatch(/^SEVERITY +CHECK +SUBSCRIPTION +RESOURCE +(GROUP +)?/);
    for (const sev of ["ERROR", "WARNING", "INFO"]) expect(out).toMatch(new RegExp(`^${sev} `, "m"));
    expect(out).not.toContain("/subscriptions/");
    // The message wraps in its column; read it back with the whitespace collapsed.
    expect(out.replace(/\s+/g, " ")).toContain("[carried forward, not re-checked");
  });

  it("at 120 columns the check ids are whole and the subscription is its first block", () => {
    const out = formatTable(view(), 120);
    expect(out).toMatch(/^ERROR +pls-lb-not-standard +aaaaaaaa +rg-demo +pls-basic +Private Link Service$/m);
    for (const f of FINDINGS) expect(out).toContain(f.checkId);
  });

  /** Reads the table back: each finding's cells, with a wrapped cell's lines joined. */
  function readBack(out: string): string[][] {
    const lines = out.split("\n");
    const headEnd = lines.findIndex((l) => /^(ERROR|WARNING|INFO) /.test(l));
    const header = lines.slice(0, headEnd);
    // Column starts: where a header word begins after a gap of two or more spaces (or at 0).
    const starts = [
      0,
      ...[...(header[0] ?? "").matchAll(/ {2,}(\S)/g)].map((m) => (m.index ?? 0) + m[0].length - 1),
    ];
    const rows: string[][] = [];
    for (const line of lines.slice(headEnd)) {
      if (line.trim() === "" || !/^ {0,}\S|^ +/.test(line)) break;
      const cells = starts.map((s, i) => line.slice(s, starts[i + 1] ?? line.length).trim());
      if (cells[0]) rows.push(cells);
      else if (rows.length > 0 && !/^\d+ finding/.test(line)) {
        const last = rows[rows.length - 1] as string[];
        cells.forEach(
          (c, i) =>
            (last[i] = c
              ? i === cells.length - 1
                ? `${last[i]} ${c}`
                : `${last[i]}${c}`
              : (last[i] as string)),
        );
      }
    }
    return rows;
  }

  it.each([80, 120])(
    "at %i columns check, resource group and name are never cut: they wrap in their column",
    (columns) => {
      const out = formatTable(view(), columns);
      expect(out).not.toMatch(/…/);
      const rows = readBack(out.slice(0, out.indexOf("\n\n") > 0 ? out.indexOf("\n\n") : undefined));
      const relay = rows.find((r) => r[1] === "relay-public-access-enabled");
      expect(relay?.[3]).toBe("rg-relay-with-a-rather-long-name");
      expect(relay?.[4]).toBe("relay-namespace-with-a-long-name");
    },
  );

  it("says No findings. and still prints the summary", () => {
    const out = formatTable(view({}, result([])), 80);
    expect(out).toMatch(/^No findings\.$/m);
    expect(out).toMatch(/^0 finding\(s\): 0 error/m);
  });

  it("shortMessage shortens IDs but leaves the text", () => {
    expect(shortMessage(`connection ${CONN} is Pending.`)).toBe(
      "connection rg-demo/pls-basic/pe-a.conn is Pending.",
    );
    expect(shortMessage(`subscription /subscriptions/${SUB} is full`)).toBe(
      "subscription subscription aaaaaaaa is full",
    );
  });
});

describe("wide", () => {
  it("adds the remediation and the absolute doc URL", () => {
    const out = formatWide(view());
    expect(out.split("\n")[0]).toMatch(/MESSAGE +REMEDIATION +DOC$/);
    expect(out).toContain("https://linkgate.example/repo/docs/checks/pls-lb-not-standard.md");
    expect(out).toContain('Fix pls-lb-not-standard <now> & "then" | check');
    expect(out).toContain("rg-relay-with-a-rather-long-name");
  });
});

describe("sarif", () => {
  const log = toSarif(view());
  const run = log.runs[0]!;
  it("has one rule per check with help text and an absolute help URI", () => {
    expect(log.version).toBe("2.1.0");
    expect(run.tool.driver.rules?.map((r) => r.id)).toEqual(ALL_CHECKS.map((c) => c.id));
    for (const r of run.tool.driver.rules ?? []) {
      expect(r.help?.text).toBeTruthy();
      expect(r.helpUri).toBe(`https://linkgate.example/repo/docs/checks/${r.id}.md`);
    }
  });

  it("has one result per finding, located at its resource ID, with the finding id as fingerprint", () => {
    expect(run.results).toHaveLength(FINDINGS.length);
    const first = run.results![0]!;
    expect(first).toMatchObject({
      ruleId: "pls-lb-not-standard",
      level: "error",
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: PLS.slice(1), uriBaseId: "AZURE" } },
          logicalLocations: [{ fullyQualifiedName: PLS, kind: "resource" }],
        },
      ],
      partialFingerprints: { "linkgateFindingId/v1": FINDINGS[0]!.id },
    });
    expect(run.tool.driver.rules![first.ruleIndex!]!.id).toBe("pls-lb-not-standard");
    expect(run.results!.map((r) => r.level)).toEqual(["error", "warning", "warning", "note"]);
  });

  it("reports collection errors as an unsuccessful invocation", () => {
    const bad = toSarif(
      view({}, result(FINDINGS, { collectionErrors: [{ scope: "sub x", message: "403" } as never] })),
    );
    expect(bad.runs[0]!.invocations![0]).toMatchObject({ executionSuccessful: false });
  });
});

describe("junit", () => {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    isArray: (n) => ["testsuite", "testcase"].includes(n),
  });
  type Case = {
    classname: string;
    name: string;
    failure?: { message: string; type: string; "#text": string };
    "system-out"?: string;
  };
  type Doc = {
    testsuites: {
      tests: string;
      failures: string;
      testsuite: { name: string; tests: string; failures: string; testcase: Case[] }[];
    };
  };

  it("parses back: one suite per check, one case per check x resource, failures at or above --fail-on", () => {
    const doc = parser.parse(formatJunit(view(), "warning")) as Doc;
    const suites = doc.testsuites.testsuite;
    expect(suites.map((s) => s.name)).toEqual(ALL_CHECKS.map((c) => c.id));
    const cases = suites.flatMap((s) => s.testcase);
    for (const f of FINDINGS)
      expect(cases).toContainEqual(expect.objectContaining({ classname: f.checkId, name: f.resourceId }));
    const failures = cases.filter((c) => c.failure);
    expect(failures.map((c) => c.classname).sort()).toEqual(
      ["connection-pending-too-long", "pls-lb-not-standard", "relay-public-access-enabled"].sort(),
    );
    expect(doc.testsuites.failures).toBe("3");
    expect(Number(doc.testsuites.tests)).toBe(ALL_CHECKS.length - 4 + 4);
    const lb = failures.find((c) => c.classname === "pls-lb-not-standard")!;
    expect(lb.failure).toMatchObject({ type: "error" });
    expect(lb.failure!["#text"]).toContain('Remediation: Fix pls-lb-not-standard <now> & "then" | check');
    const info = cases.find((c) => c.classname === "relay-namespace-limit")!;
    expect(info["system-out"]).toMatch(/^info \(below --fail-on warning\)/);
  });

  it("--fail-on none fails nothing; error fails only errors", () => {
    const count = (x: string) => (parser.parse(x) as Doc).testsuites.failures;
    expect(count(formatJunit(view(), "none"))).toBe("0");
    expect(count(formatJunit(view(), "error"))).toBe("1");
  });

  it("escapes what XML cannot carry raw", () => {
    const nasty = finding("pls-lb-not-standard", "error", PLS, 'a <b> & "c" \u0001 ]]>');
    const doc = parser.parse(formatJunit(view({ findings: [nasty] }, result([nasty])), "error")) as Doc;
    const c = doc.testsuites.testsuite.flatMap((s) => s.testcase).find((x) => x.failure)!;
    expect(c.failure!.message).toBe('a <b> & "c" \ufffd ]]>');
  });
});

describe("markdown", () => {
  it("a table row per finding, linked docs, pipes escaped, no full IDs in cells", () => {
    const md = formatMarkdown(view());
    expect(md).toMatch(/^## linkgate sweep$/m);
    expect(md).toContain("| Severity | Check | Resource | Message |");
    expect(md).toContain(
      "[pls-lb-not-standard](https://linkgate.example/repo/docs/checks/pls-lb-not-standard.md)",
    );
    const rows = md.split("\n").filter((l) => /^\| (🔴|🟠|🔵)/.test(l));
    expect(rows).toHaveLength(FINDINGS.length);
    for (const r of rows) expect(r).not.toContain("/subscriptions/");
    const piped = finding("pls-lb-not-standard", "error", PLS, "a | b");
    expect(formatMarkdown(view({ findings: [piped] }, result([piped])))).toContain("a \\| b");
  });
});

describe("yaml", () => {
  it("is the JSON document", () => {
    expect(parseYaml(formatYaml(view()))).toEqual(JSON.parse(JSON.stringify(toJson(result()))));
  });
});

describe("filters and the gate", () => {
  it.each<[Parameters<typeof applyFilters>[1], string[]]>([
    [{}, FINDINGS.map((f) => f.checkId)],
    [{ severities: new Set(["warning"]) }, ["connection-pending-too-long", "relay-public-access-enabled"]],
    [{ checks: new Set(["relay-namespace-limit"]) }, ["relay-namespace-limit"]],
    [{ severities: new Set(["error"]), checks: new Set(["relay-namespace-limit"]) }, []],
  ])("%p", (filters, ids) => {
    expect(applyFilters(FINDINGS, filters).map((f) => f.checkId)).toEqual(ids);
  });

  it.each<[string, "error" | "warning" | "info" | "none", number]>([
    ["default error: the error fails", "error", 1],
    ["none: nothing fails", "none", 0],
  ])("%s", (_n, failOn, code) => {
    expect(exitCodeFor(result(), FINDINGS, failOn)).toBe(code);
  });

  it("warnings only: exit 0 at error, 1 at warning and info; run errors stay 2", () => {
    const warnings = FINDINGS.filter((f) => f.severity !== "error");
    expect([
      exitCodeFor(result(warnings), warnings),
      exitCodeFor(result(warnings), warnings, "warning"),
    ]).toEqual([0, 1]);
    expect(failed(warnings, "info")).toBe(true);
    expect(atOrAbove("info", "warning")).toBe(false);
    expect(
      exitCodeFor(result(FINDINGS, { checkErrors: [{ checkId: "x", message: "boom" }] }), [], "none"),
    ).toBe(2);
  });

  it("a revocation step that failed is a run error: exit 2 whatever the findings", () => {
    const base = result([]);
    const failedRevocation = {
      ...base,
      summary: { ...base.summary, revocationError: "revocation step failed, nothing more revoked: boom" },
    };
    expect(exitCodeFor(failedRevocation, [], "none")).toBe(2);
  });
});

describe("baseline", () => {
  const now = new Date("2026-12-01T12:00:00Z");
  it("round-trips: written entries accept the same findings (IDs case-insensitively)", () => {
    const text = writeBaseline(FINDINGS, [], now);
    const parsed = parseBaseline(text, "b.yaml");
    if (!("entries" in parsed)) throw new Error(parsed.errors.join("\n"));
    expect(parsed.entries).toHaveLength(FINDINGS.length);
    const upper = FINDINGS.map((f) => ({ ...f, resourceId: f.resourceId.toUpperCase() }));
    expect(applyBaseline(upper, parsed.entries, now)).toMatchObject({ kept: [], expired: [] });
  });

  it("keeps reasons already written; an expired entry accepts nothing and is reported", () => {
    const entries = [
      { checkId: "pls-lb-not-standard", resourceId: PLS, reason: "Q3 migration", expires: "2026-11-30" },
      { checkId: "relay-public-access-enabled", resourceId: NS, reason: "known", expires: "2026-12-01" },
    ];
    const r = applyBaseline(FINDINGS, entries, now);
    expect(r.kept.map((f) => f.checkId)).toEqual([
      "pls-lb-not-standard",
      "connection-pending-too-long",
      "relay-namespace-limit",
    ]);
    expect(r.accepted).toEqual([{ finding: FINDINGS[2], reason: "known", expires: "2026-12-01" }]);
    expect(r.expired.map((e) => e.checkId)).toEqual(["pls-lb-not-standard"]);
    expect(writeBaseline(FINDINGS.slice(0, 1), entries, now)).toContain("reason: Q3 migration");
  });

  it.each([
    ["not a mapping", "- a", /must be a mapping/],
    ["wrong apiVersion", "apiVersion: v0\naccepted: []", /apiVersion must be linkgate\/baseline-v1/],
    [
      "missing reason",
      `apiVersion: linkgate/baseline-v1\naccepted:\n  - { checkId: a, resourceId: /x }`,
      /accepted\[0\]\.reason: a non-empty string/,
    ],
    [
      "bad expiry",
      `apiVersion: linkgate/baseline-v1\naccepted:\n  - { checkId: a, resourceId: /x, reason: r, expires: "tomorrow" }`,
      /expires: must be a date/,
    ],
    [
      "unknown key",
      `apiVersion: linkgate/baseline-v1\naccepted:\n  - { checkId: a, resourceId: /x, reason: r, until: x }`,
      /unknown key\(s\) until/,
    ],
  ])("rejects %s", (_n, text, message) => {
    const r = parseBaseline(text, "b.yaml");
    expect("errors" in r ? r.errors.join("\n") : "").toMatch(message);
  });
});

import { at, declarations, loadAllBicep, type Declaration } from "./bicep";
import { emitters, productionSources, readJson } from "./files";

interface WorkbookItem {
  type: number;
  name: string;
  content: { query?: string; title?: string; visualization?: string; version?: string };
}

let rules: Declaration[];
let actionGroups: Declaration[];
const sources = productionSources();
const workbook = readJson<{ version: string; items: WorkbookItem[] }>("infra/workbook.json");

beforeAll(async () => {
  const all = (await loadAllBicep()).flatMap(declarations);
  rules = all.filter((d) => d.target.startsWith("Microsoft.Insights/scheduledQueryRules@"));
  actionGroups = all.filter((d) => d.target.startsWith("Microsoft.Insights/actionGroups@"));
});

const queryOf = (rule: Declaration): string => {
  const [criterion] = at(rule.body, "properties.criteria.allOf") as unknown[];
  const query = at(criterion as never, "query");
  if (typeof query !== "string")
    throw new Error(`${rule.file}:${rule.line}: alert query is not a literal string`);
  return query;
};

/**
 * Every telemetry name a KQL query uses must be emitted by production code (grepped from src/, not typed here),
 * and every customDimensions property it reads must appear in a file that emits that event.
 */
function unknownReferences(query: string): string[] {
  const problems: string[] = [];
  const events = [...query.matchAll(/"(LinkGate\.[A-Za-z]+)"/g)].map((m) => m[1] ?? "");
  if (events.length === 0) problems.push("names no LinkGate.* event");
  const properties = [...new Set([...query.matchAll(/customDimensions\.(\w+)/g)].map((m) => m[1] ?? ""))];
  for (const event of new Set(events)) {
    const files = emitters(sources, event);
    if (files.length === 0) {
      problems.push(`${event} is not emitted by any trackEvent/trackMetric call under src/`);
      continue;
    }
    for (const p of properties) {
      if (!files.some((f) => new RegExp(`\\b${p}\\b`).test(sources.get(f) ?? ""))) {
        problems.push(`${event}: property customDimensions.${p} not found in ${files.join(", ")}`);
      }
    }
  }
  return problems;
}

describe("alerts", () => {
  const byName = (name: string) => rules.find((r) => at(r.body, "name") === name);
  const minutes = (iso: unknown) => {
    const m = /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(String(iso));
    return m ? Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) : Number.NaN;
  };

  it("a stopped sweep (no SweepCompleted within at least twice the schedule) and a degraded sweep alert", () => {
    const stopped = byName("linkgate-sweep-stopped");
    expect(queryOf(stopped!)).toMatch(/name == "LinkGate\.SweepCompleted"/);
    expect(at(stopped!.body, "properties.criteria.allOf")).toEqual([
      expect.objectContaining({ timeAggregation: "Count", operator: "LessThan", threshold: 1 }),
    ]);
    expect(at(stopped!.body, "properties.windowSize")).toEqual({ expr: "sweepSilenceWindow" });
    const degraded = byName("linkgate-sweep-degraded");
    expect(queryOf(degraded!)).toMatch(/name == "LinkGate\.SweepCompleted"[\s\S]*degraded\) == "true"/);
  });

  it("evaluation windows overlap (late events are not missed) and per-resource alerts split by resource and check", () => {
    for (const name of [
      "linkgate-new-error-findings",
      "linkgate-failed-decisions",
      "linkgate-sweep-degraded",
    ]) {
      const r = byName(name);
      expect({
        name,
        overlap:
          minutes(at(r!.body, "properties.windowSize")) >
          minutes(at(r!.body, "properties.evaluationFrequency")),
      }).toEqual({ name, overlap: true });
    }
    const dims = (name: string) =>
      (
        (at(byName(name)!.body, "properties.criteria.allOf") as { dimensions?: { name: string }[] }[])[0]
          ?.dimensions ?? []
      ).map((d) => d.name);
    expect(dims("linkgate-new-error-findings")).toEqual(["checkId", "resourceId"]);
    expect(dims("linkgate-failed-decisions")).toEqual(["targetId"]);
  });

  it("has a rule for new error findings and a rule for failed decisions, each routed to the action group", () => {
    expect(rules).toHaveLength(4);
    const queries = rules.map(queryOf);
    expect(queries.find((q) => q.includes('"LinkGate.Finding"'))).toMatch(
      /transition == "opened" and severity == "error"/,
    );
    expect(queries.some((q) => q.includes('"LinkGate.DecisionFailed"'))).toBe(true);
    for (const r of rules) {
      expect(at(r.body, "properties.scopes")).toEqual([{ expr: "appInsightsId" }]);
      expect(at(r.body, "properties.actions.actionGroups")).toEqual([{ expr: "actionGroup.id" }]);
      if (at(r.body, "name") !== "linkgate-sweep-stopped")
        expect(at(r.body, "properties.criteria.allOf")).toEqual([
          expect.objectContaining({ timeAggregation: "Count", operator: "GreaterThan", threshold: 0 }),
        ]);
    }
  });

  it("queries only events and properties the code emits", () => {
    for (const r of rules)
      expect({ rule: `${r.file}:${r.line}`, problems: unknownReferences(queryOf(r)) }).toEqual({
        rule: `${r.file}:${r.line}`,
        problems: [],
      });
  });

  it("the severity the finding alert filters on is one the checks use", () => {
    const all = [...sources.values()].join("\n");
    expect(all).toMatch(/severity: "error"/);
  });

  it("the action group emails the address given by the alertEmail parameter", () => {
    const [group] = actionGroups;
    expect(JSON.stringify(at(group?.body, "properties.emailReceivers"))).toContain(
      "emailAddress: alertEmail",
    );
  });

  it("the unknown-reference check catches an event or property the code does not emit", () => {
    expect(unknownReferences('customEvents | where name == "LinkGate.NoSuchEvent"')).toEqual([
      "LinkGate.NoSuchEvent is not emitted by any trackEvent/trackMetric call under src/",
    ]);
    expect(
      unknownReferences(
        'customEvents | where name == "LinkGate.Decision" | extend x = customDimensions.noSuchProperty',
      ),
    ).toEqual([expect.stringContaining("customDimensions.noSuchProperty")]);
  });
});

describe("workbook (infra/workbook.json)", () => {
  const queries = (): WorkbookItem[] => workbook.items.filter((i) => i.type === 3);

  it("is a workbook document with a time range parameter", () => {
    expect(workbook.version).toBe("Notebook/1.0");
    expect(JSON.stringify(workbook.items.filter((i) => i.type === 9))).toContain('"name":"TimeRange"');
  });

  it("shows findings over time by check, decisions by action and rule, and Pending connections", () => {
    const byName = new Map(queries().map((i) => [i.name, i.content]));
    const findings = byName.get("findings-over-time");
    expect(findings?.query).toMatch(/LinkGate\.Finding[\s\S]*by bin\(timestamp[^)]*\), checkId/);
    expect(findings?.visualization).toBe("timechart");
    expect(byName.get("decisions-by-action-rule")?.query).toMatch(
      /LinkGate\.Decision[\s\S]*by action, ruleId/,
    );
    expect(byName.get("pending-connections")?.query).toMatch(/action\) == "pending"/);
  });

  it("filters by subscription, severity and check; charts open findings over time and decisions by action and rule", () => {
    const params = JSON.stringify(workbook.items.filter((i) => i.type === 9));
    for (const name of ["Subscription", "Severity", "Check"]) expect(params).toContain(`"name":"${name}"`);
    const byName = new Map(queries().map((i) => [i.name, i.content]));
    for (const item of ["open-findings", "findings-over-time"]) {
      const q = byName.get(item)?.query ?? "";
      expect({
        item,
        filters: ["{Subscription}", "{Severity}", "{Check}"].filter((p) => q.includes(p)),
      }).toEqual({
        item,
        filters: ["{Subscription}", "{Severity}", "{Check}"],
      });
    }
    const metric = byName.get("open-findings-over-time");
    expect(metric?.query).toMatch(
      /customMetrics[\s\S]*name == "LinkGate\.OpenFindings"[\s\S]*by bin\(timestamp/,
    );
    expect(metric?.visualization).toBe("timechart");
    expect(byName.get("decisions-over-time")?.query).toMatch(
      /by bin\(timestamp[^)]*\), action = [^,]+, ruleId =/,
    );
  });

  it("open findings now is the current state: not bounded by the time picker, errors first, then warnings, info", () => {
    const open = queries().find((i) => i.name === "open-findings")?.content as
      | { query?: string; timeContextFromParameter?: string; timeContext?: { durationMs?: number } }
      | undefined;
    expect(open?.timeContextFromParameter).toBeUndefined();
    // A finding opened months ago and never resolved is still open: look back over App Insights' retention.
    expect(open?.timeContext?.durationMs).toBeGreaterThanOrEqual(90 * 24 * 3600 * 1000);
    const q = open?.query ?? "";
    expect(q).toMatch(/case\(severity == "error", 0, severity == "warning", 1, 2\)/);
    expect(q).not.toMatch(/order by severity asc/);
  });

  it("queries only events and properties the code emits", () => {
    for (const item of queries()) {
      expect({ item: item.name, problems: unknownReferences(item.content.query ?? "") }).toEqual({
        item: item.name,
        problems: [],
      });
    }
  });
});

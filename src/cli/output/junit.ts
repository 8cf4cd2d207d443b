/**
 * `--output junit`: JUnit XML for CI test reports. One <testsuite> per check, one <testcase> per check ×
 * resource with a finding (classname = check id, name = resource ID); a check with no finding is one passing
 * test case (name "estate"). A finding at or above the --fail-on severity is a <failure> (message, remediation
 * and doc URL); one below it passes and says so in <system-out>. Errors reading the estate are an <error>.
 */
import type { Finding } from "../../core/findings";
import { attrs, xmlEscape } from "./xml";
import { absoluteDocUrl, allChecks, type SweepView } from "./view";
import type { FailOn } from "./gate";
import { atOrAbove } from "./gate";

function testcase(f: Finding, v: SweepView, failOn: FailOn): { xml: string; failed: boolean } {
  const url = absoluteDocUrl(f.docUrl, v.docBase);
  const body = `${f.message}\n\nRemediation: ${f.remediation}\nDoc: ${url}\nFinding: ${f.id} (first seen ${f.firstSeen})`;
  const failed = atOrAbove(f.severity, failOn);
  const inner = failed
    ? `<failure${attrs({ message: f.message, type: f.severity })}>${xmlEscape(body)}</failure>`
    : `<system-out>${xmlEscape(`${f.severity} (below --fail-on ${failOn}): ${body}`)}</system-out>`;
  return {
    xml: `    <testcase${attrs({ classname: f.checkId, name: f.resourceId })}>${inner}</testcase>`,
    failed,
  };
}

export function formatJunit(v: SweepView, failOn: FailOn): string {
  const byCheck = new Map<string, Finding[]>();
  for (const f of v.findings) byCheck.set(f.checkId, [...(byCheck.get(f.checkId) ?? []), f]);
  const ran = new Set(allChecks().map((c) => c.id));
  const ids = [...ran, ...[...byCheck.keys()].filter((k) => !ran.has(k))];
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const id of ids) {
    const findings = byCheck.get(id) ?? [];
    const cases = findings.map((f) => testcase(f, v, failOn));
    const lines =
      cases.length > 0
        ? cases.map((c) => c.xml)
        : [`    <testcase${attrs({ classname: id, name: "estate" })}/>`];
    const failed = cases.filter((c) => c.failed).length;
    tests += lines.length;
    failures += failed;
    suites.push(
      `  <testsuite${attrs({ name: id, tests: lines.length, failures: failed, errors: 0, skipped: 0 })}>`,
      ...lines,
      "  </testsuite>",
    );
  }
  const r = v.result;
  const errs = [
    ...r.collectionErrors.map((e) => ({ name: e.scope, message: e.message })),
    ...r.checkErrors.map((e) => ({ name: `check ${e.checkId}`, message: e.message })),
  ];
  if (errs.length > 0) {
    suites.push(
      `  <testsuite${attrs({ name: "linkgate-sweep", tests: errs.length, failures: 0, errors: errs.length, skipped: 0 })}>`,
      ...errs.map(
        (e) =>
          `    <testcase${attrs({ classname: "linkgate-sweep", name: e.name })}><error${attrs({ message: e.message })}/></testcase>`,
      ),
      "  </testsuite>",
    );
    tests += errs.length;
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: "linkgate sweep", tests, failures, errors: errs.length, time: (r.summary.durationMs / 1000).toFixed(3) })}>`,
    ...suites,
    "</testsuites>",
    "",
  ].join("\n");
}

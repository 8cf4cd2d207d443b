/**
 * `linkgate policy test --output junit`: one <testsuite> (the cases file), one <testcase> per case; a case whose
 * decision differs from its expectation is a <failure> naming expected and got, with the evaluation's reasons.
 */
import { attrs, xmlEscape } from "./xml";

export interface PolicyCaseResult {
  name: string;
  ok: boolean;
  expected: string;
  got: string;
  reasons: readonly string[];
}

export function formatPolicyJunit(
  policyFile: string,
  casesFile: string,
  results: readonly PolicyCaseResult[],
): string {
  const failures = results.filter((r) => !r.ok).length;
  const cases = results.map((r) => {
    const head = `    <testcase${attrs({ classname: policyFile, name: r.name })}`;
    if (r.ok) return `${head}/>`;
    const message = `expected ${r.expected}, got ${r.got}`;
    return `${head}><failure${attrs({ message, type: "decision" })}>${xmlEscape(r.reasons.join("\n"))}</failure></testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: "linkgate policy test", tests: results.length, failures, errors: 0 })}>`,
    `  <testsuite${attrs({ name: casesFile, tests: results.length, failures, errors: 0, skipped: 0 })}>`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}

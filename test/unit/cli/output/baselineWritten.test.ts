/**
 * `linkgate sweep --write-baseline`: the entries the sweep then applies are the ones it wrote (baselineFor), not
 * a read of the file back. They must be exactly what reading the written text back gives, including the cases
 * where that read refuses the file (then nothing is accepted, as before).
 */
import {
  BASELINE_MAX_ENTRIES,
  baselineFor,
  parseBaseline,
  writeBaseline,
  type BaselineEntry,
} from "../../../../src/cli/output/baseline";
import type { Finding } from "../../../../src/core/findings";
import { FINDINGS, NS, PLS, finding } from "./fixture";

const NOW = new Date("2026-12-01T12:00:00Z");
const readBack = (text: string): BaselineEntry[] => {
  const r = parseBaseline(text, "b.yaml");
  return "entries" in r ? r.entries : [];
};
const many = (n: number): Finding[] =>
  Array.from({ length: n }, (_, i) => finding("pls-lb-not-standard", "error", `${PLS}-${i}`, "m"));

describe("baselineFor: the written entries are what reading the file back gives", () => {
  it.each<[string, Finding[], BaselineEntry[], number]>([
    ["today's findings, no previous file", FINDINGS, [], FINDINGS.length],
    [
      "previous reasons and expiries kept, odd characters in them",
      FINDINGS,
      [
        {
          checkId: "pls-lb-not-standard",
          resourceId: PLS.toUpperCase(),
          reason: 'Q3: "migration" #1',
          expires: "2026-12-31",
        },
        { checkId: "relay-public-access-enabled", resourceId: NS, reason: "- a: b\n  c" },
      ],
      FINDINGS.length,
    ],
    ["a duplicate finding: one entry", [...FINDINGS, ...FINDINGS], [], FINDINGS.length],
    ["nothing to accept", [], [], 0],
    [
      "a finding without a resource ID: the file cannot be read back",
      [finding("x", "info", " ", "m")],
      [],
      0,
    ],
  ])("%s", (_n, findings, previous, count) => {
    const written = baselineFor(findings, previous, NOW);
    expect(written.text).toBe(writeBaseline(findings, previous, NOW));
    expect(written.entries).toEqual(readBack(written.text));
    expect(written.entries).toHaveLength(count);
  });

  // Reading 10,000 entries back takes seconds: here the bound alone, without the read (parseBaseline refuses
  // more than BASELINE_MAX_ENTRIES, whatever they hold).
  it.each([
    ["at the entry bound: all kept", BASELINE_MAX_ENTRIES, BASELINE_MAX_ENTRIES],
    ["over the entry bound: the file cannot be read back, none kept", BASELINE_MAX_ENTRIES + 1, 0],
  ])("%s", (_n, n, kept) => {
    const written = baselineFor(many(n), [], NOW);
    expect(written.text.match(/^ {2}- checkId: /gm)).toHaveLength(n);
    expect(written.entries).toHaveLength(kept);
    // The CLI refuses to write a file --baseline would refuse: it needs to know by how much.
    expect(written.overLimit).toBe(n > BASELINE_MAX_ENTRIES ? n : undefined);
  });
});

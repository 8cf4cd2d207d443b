/**
 * The registry's contract, in the manner of typescript-eslint's rule registry tests: every check has a
 * stable kebab-case id, a severity, a remediation, a doc page and a test file, and the id list only
 * changes on purpose (renaming an id re-opens every finding of that check).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ALL_CHECKS } from "../../../src/core/checks";
import { SEVERITIES } from "../../../src/core/findings";
import { inventory, healthyEstate, context } from "./builders";

const root = join(__dirname, "..", "..", "..");

describe("check registry", () => {
  it("ids are stable (update this list only when adding a check; never rename)", () => {
    expect(ALL_CHECKS.map((c) => c.id)).toMatchInlineSnapshot(`
[
  "connection-pending-too-long",
  "connection-stale-state",
  "connection-missed-event",
  "connection-policy-drift",
  "connection-approved-outside-policy",
  "connection-approval-expired",
  "connection-managed-uncorroborated",
  "revocation-guard-tripped",
  "pe-target-mismatch",
  "pls-visibility-excludes-requester",
  "pls-auto-approval-not-in-visibility",
  "pls-provisioning-failed",
  "pls-lb-not-standard",
  "pls-frontend-missing",
  "pls-no-lb-rule",
  "pls-backend-pool-empty",
  "pls-no-health-probe",
  "pls-subnet-network-policies-enabled",
  "pls-no-traffic",
  "pls-nat-port-usage-high",
  "pe-no-traffic",
  "pe-no-dns-zone-group",
  "pe-dns-record-mismatch",
  "pe-dns-zone-not-linked",
  "pe-dns-live-resolution",
  "pe-vnet-region-mismatch",
  "relay-pe-limit",
  "relay-namespace-limit",
  "relay-listener-ports-blocked",
  "relay-public-access-enabled",
]
`);
  });

  it("ids are unique", () => {
    const ids = ALL_CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  describe.each(ALL_CHECKS.map((c) => [c.id, c] as const))("%s", (id, check) => {
    it("has a kebab-case id", () => {
      expect(id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)+$/);
    });
    it("has a severity, a title, a description and a remediation", () => {
      expect(SEVERITIES).toContain(check.severity);
      expect(check.title.trim().length).toBeGreaterThan(10);
      expect(check.description.trim().length).toBeGreaterThan(40);
      expect(check.remediation.trim().length).toBeGreaterThan(40);
    });
    it("has a doc page at docUrl with synopsis, why, how to fix and links", () => {
      expect(check.docUrl).toBe(`docs/checks/${id}.md`);
      const page = join(root, "docs", "checks", `${id}.md`);
      expect(existsSync(page)).toBe(true);
      const text = readFileSync(page, "utf8");
      expect(text).toContain(`# ${id}`);
      for (const heading of ["## Synopsis", "## Why", "## How to fix", "## Links"])
        expect(text).toContain(heading);
      expect(text).toMatch(/https:\/\/learn\.microsoft\.com\//);
      expect(text).toContain(`**Severity:** ${check.severity}`);
    });
    it("is listed in docs/checks/README.md", () => {
      const index = readFileSync(join(root, "docs", "checks", "README.md"), "utf8");
      expect(index).toContain(`[${id}](${id}.md)`);
    });
    it("has a test file", () => {
      expect(existsSync(join(__dirname, `${id}.test.ts`))).toBe(true);
    });
  });

  it("no check fires on the healthy estate", () => {
    const inv = inventory(healthyEstate());
    for (const check of ALL_CHECKS)
      expect({ id: check.id, results: check.run(inv, context()) }).toEqual({ id: check.id, results: [] });
  });
});

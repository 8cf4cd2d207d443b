/**
 * Issue 13's coverage goal, held by the code: at least 50 supported private link target types, each with a
 * provider profile (its published write contract), and docs/approval.md's "Supported resource types" table
 * listing exactly the catalog's types with the same contract, so that neither can drift from the other.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PRIVATE_LINK_TARGET_API_VERSIONS } from "../../../src/adapters/arm/apiVersions";
import { allProfiles } from "../../../src/emulator/providers/catalog";
import type { ProviderProfile } from "../../../src/emulator/providers/profile";

const DOC = fs.readFileSync(path.join(__dirname, "../../../docs/approval.md"), "utf8");

/** The "Supported resource types" section only: other tables must not count. */
function section(): string {
  const start = DOC.indexOf("## Supported resource types");
  const end = DOC.indexOf("\n## ", start + 1);
  expect(start).toBeGreaterThanOrEqual(0);
  return DOC.slice(start, end < 0 ? undefined : end);
}

/** type (lower case) → cells after the type: api-version, client, read from, write, actions, group ids, source, requester. */
function tableRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const m of section().matchAll(/^\|\s*`([^`]+)`\s*\|(.*)\|\s*$/gm)) {
    const type = m[1] as string;
    expect(rows.has(type)).toBe(false);
    rows.set(
      type,
      (m[2] as string).split("|").map((c) => c.trim()),
    );
  }
  return rows;
}

/** How the table must spell a profile's write: method, first answer, and how it ends. */
function writeCell(p: ProviderProfile): RegExp {
  const w = p.write;
  if (w.kind === "sync") return new RegExp(`^${p.writeMethod} → ${w.status}, done$`);
  const held = p.rejectingState ? `\`${w.intermediate}\`/\`${p.rejectingState}\`` : `\`${w.intermediate}\``;
  const status = w.kind === "updating-200" ? 200 : w.status;
  const tail = `; ${held} → \`${p.doneState}\`$`;
  if (w.kind === "updating-200")
    return new RegExp(`^${p.writeMethod} → ${status} \\+ Azure-AsyncOperation${tail}`);
  const headers = w.headers.map((h) => (h === "azure-asyncoperation" ? "Azure-AsyncOperation" : "Location"));
  return new RegExp(
    `^${p.writeMethod} → ${status} \\+ ${headers.join(" \\+ ")}${w.body ? "" : ", no body"}${tail}`,
  );
}

describe("supported target type coverage (issue 13)", () => {
  it("supports at least 50 private link target types, each with a provider profile", () => {
    const profiles = allProfiles().map((p) => p.type.toLowerCase());
    expect(new Set(profiles).size).toBe(profiles.length);
    expect(profiles.length).toBeGreaterThanOrEqual(50);
    expect([...profiles].filter((t) => t !== "microsoft.network/privatelinkservices").sort()).toEqual(
      Object.keys(PRIVATE_LINK_TARGET_API_VERSIONS).sort(),
    );
  });

  it("covers the az CLI's stable providers and what managed private endpoints reach", () => {
    const types = new Set(allProfiles().map((p) => p.type.toLowerCase()));
    for (const t of [
      "microsoft.web/sites",
      "microsoft.web/staticsites",
      "microsoft.app/managedenvironments",
      "microsoft.dbforpostgresql/flexibleservers",
      "microsoft.dbformysql/flexibleservers",
      "microsoft.cognitiveservices/accounts",
      "microsoft.sql/managedinstances",
      "microsoft.automation/automationaccounts",
      "microsoft.hybridcompute/privatelinkscopes",
      "microsoft.signalrservice/webpubsub",
      "microsoft.hdinsight/clusters",
    ])
      expect([t, types.has(t)]).toEqual([t, true]);
  });

  it("docs/approval.md lists exactly the catalog's types, each with its contract and requester", () => {
    const rows = tableRows();
    expect([...rows.keys()].sort()).toEqual(
      allProfiles()
        .map((p) => p.type.toLowerCase())
        .sort(),
    );
    for (const p of allProfiles()) {
      const t = p.type.toLowerCase();
      const cells = rows.get(t) ?? [];
      expect([t, cells.length]).toEqual([t, 8]);
      expect([t, cells[3]]).toEqual([t, expect.stringMatching(writeCell(p))]);
      const actions =
        p.actionsField === "none"
          ? "no actions field"
          : `\`${p.actionsField}\`${p.actionsReadOnly ? " (read-only: not sent)" : ""}`;
      expect([t, cells[4]]).toEqual([t, actions]);
      const groups = p.groupIds;
      expect([t, cells[5]]).toEqual([
        t,
        groups.on === "connection"
          ? `connection \`${groups.field}\``
          : groups.on === "none"
            ? expect.stringMatching(/^none/)
            : expect.stringMatching(/^private link resource/),
      ]);
      expect([t, cells[6]]).toEqual([t, p.source]);
      expect([t, cells[7]]).toEqual([t, "`privateEndpoint.id`"]);
    }
  });

  it("every profile not read in ../shared/reference or its example says how it was established", () => {
    for (const p of allProfiles()) {
      expect([p.type, p.spec]).toEqual([p.type, expect.stringMatching(/\.(json|tsp)\b|\/ \(TypeSpec/)]);
      if (p.source === "searched") expect([p.type, p.notes]).toEqual([p.type, expect.stringMatching(/Read/)]);
    }
  });
});

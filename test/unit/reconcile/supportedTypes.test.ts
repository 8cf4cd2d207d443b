import * as fs from "node:fs";
import * as path from "node:path";
import {
  API_VERSIONS,
  EMBEDDED_CONNECTIONS_ONLY,
  PRIVATE_LINK_TARGET_API_VERSIONS,
  apiVersionFor,
  connectionShapeFor,
  isPrivateLinkTargetType,
} from "../../../src/adapters/arm/apiVersions";

const DOC = fs.readFileSync(path.join(__dirname, "../../../docs/approval.md"), "utf8");

/** Rows of the type table: type | api-version | client | read from | write | actions field | group ids | source | requester. */
function docRows(): Map<string, { version: string; readFrom: string; cells: string[] }> {
  const rows = new Map<string, { version: string; readFrom: string; cells: string[] }>();
  for (const m of DOC.matchAll(/^\|\s*`([^`]+)`\s*\|(.*)\|\s*$/gm)) {
    // The type table spells types in lower case; other tables (event types) do not.
    if (m[1] !== (m[1] as string).toLowerCase() || !/^microsoft\.[a-z]+\/[a-z0-9]+$/.test(m[1] as string))
      continue;
    const cells = (m[2] as string).split("|").map((c) => c.trim());
    rows.set(m[1] as string, { version: cells[0] ?? "", readFrom: cells[2] ?? "", cells });
  }
  return rows;
}

describe("supported private link target types", () => {
  it("covers at least 25 PaaS types plus Relay, all with a stable api-version", () => {
    const types = Object.keys(PRIVATE_LINK_TARGET_API_VERSIONS);
    expect(types.length).toBeGreaterThanOrEqual(26);
    expect(types).toContain("microsoft.relay/namespaces");
    for (const [t, v] of Object.entries(PRIVATE_LINK_TARGET_API_VERSIONS)) {
      expect([t, v]).toEqual([t, expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/)]);
      expect(t).toBe(t.toLowerCase());
      expect(API_VERSIONS[t]).toBe(v);
      expect(isPrivateLinkTargetType(t.toUpperCase())).toBe(true);
      expect(apiVersionFor(t)).toBe(v);
    }
    expect(isPrivateLinkTargetType("Microsoft.Network/privateLinkServices")).toBe(true);
    expect(isPrivateLinkTargetType("Microsoft.Network/privateEndpoints")).toBe(false);
    for (const t of EMBEDDED_CONNECTIONS_ONLY) expect(PRIVATE_LINK_TARGET_API_VERSIONS[t]).toBeDefined();
  });

  it("docs/approval.md lists exactly the types, versions and connection sources of the code", () => {
    const rows = docRows();
    const pls = rows.get("microsoft.network/privatelinkservices");
    expect(pls?.readFrom).toBe("list operation");
    rows.delete("microsoft.network/privatelinkservices");
    for (const [t, r] of rows) {
      // Every type's row states its write contract, actions field, group id source and how it was established.
      expect([t, r.cells.length]).toEqual([t, 8]);
      expect([t, r.cells[3]]).toEqual([t, expect.stringMatching(/^(PUT|PATCH) → \d{3}/)]);
      expect([t, r.cells[6]]).toEqual([t, expect.stringMatching(/^(reference|example|searched|recalled)$/)]);
      expect([t, r.cells[7]]).toEqual([t, expect.stringContaining("privateEndpoint.id")]);
    }
    const expected = new Map(
      Object.entries(PRIVATE_LINK_TARGET_API_VERSIONS).map(([t, v]) => [
        t,
        {
          version: v,
          readFrom: EMBEDDED_CONNECTIONS_ONLY.has(t)
            ? "embedded in the parent"
            : connectionShapeFor(t).listing === "array"
              ? "list operation (bare array)"
              : "list operation",
        },
      ]),
    );
    expect(
      [...rows.entries()].map(([t, r]) => [t, { version: r.version, readFrom: r.readFrom }]).sort(),
    ).toEqual([...expected.entries()].sort());
  });
});

import {
  diffFindings,
  findingId,
  fnv1a64,
  transitionOf,
  type Finding,
  type NewFinding,
} from "../../../src/core/findings";

const RID =
  "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/pls";

function nf(checkId: string, resourceId = RID, message = "m", discriminator?: string): NewFinding {
  return {
    id: findingId(checkId, resourceId, discriminator),
    checkId,
    severity: "error",
    resourceId,
    message,
    remediation: "r",
    docUrl: `docs/checks/${checkId}.md`,
  };
}

describe("findingId", () => {
  it("is stable, case-insensitive on the resource ID and ignores trailing slashes", () => {
    expect(findingId("pls-lb-not-standard", RID)).toBe(
      findingId("pls-lb-not-standard", `${RID.toUpperCase()}/`),
    );
    expect(findingId("pls-lb-not-standard", RID)).toMatch(/^pls-lb-not-standard:[0-9a-f]{16}$/);
  });
  it("differs by check, resource and discriminator", () => {
    const base = findingId("a-b", RID);
    expect(findingId("a-c", RID)).not.toBe(base);
    expect(findingId("a-b", `${RID}2`)).not.toBe(base);
    expect(findingId("a-b", RID, "x")).not.toBe(base);
    expect(findingId("a-b", RID, "x")).not.toBe(findingId("a-b", RID, "y"));
  });
  it("is FNV-1a 64 over the UTF-16LE bytes (vector computed independently)", () => {
    expect(fnv1a64("")).toBe("cbf29ce484222325");
    expect(fnv1a64("linkgate")).toBe("622e8b093534c972");
    expect(fnv1a64("é")).not.toBe(fnv1a64("e"));
  });
});

describe("diffFindings", () => {
  const t0 = "2025-03-01T12:00:00.000Z";
  const t1 = "2025-03-01T12:15:00.000Z";

  it("first sweep: everything opened, firstSeen = lastSeen = now", () => {
    const d = diffFindings([], [nf("a-b"), nf("c-d")], t0);
    expect(d.opened).toHaveLength(2);
    expect(d.resolved).toEqual([]);
    expect(d.open.every((f) => f.firstSeen === t0 && f.lastSeen === t0)).toBe(true);
  });

  it("next sweep: kept findings are unchanged with firstSeen kept, fixed ones resolved, new ones opened", () => {
    const first = diffFindings([], [nf("a-b"), nf("c-d")], t0).open;
    const d = diffFindings(first, [nf("a-b", RID, "reworded"), nf("e-f")], t1);
    expect(d.opened.map((f) => f.checkId)).toEqual(["e-f"]);
    expect(d.resolved.map((f) => f.checkId)).toEqual(["c-d"]);
    expect(d.resolved[0]?.lastSeen).toBe(t0);
    const kept = d.open.find((f) => f.checkId === "a-b") as Finding;
    expect(kept).toMatchObject({ firstSeen: t0, lastSeen: t1, message: "reworded" });
    const prevIds = new Set(first.map((f) => f.id));
    const curIds = new Set(d.open.map((f) => f.id));
    expect(transitionOf(kept.id, prevIds, curIds)).toBe("unchanged");
    expect(transitionOf(d.opened[0]?.id ?? "", prevIds, curIds)).toBe("opened");
    expect(transitionOf(d.resolved[0]?.id ?? "", prevIds, curIds)).toBe("resolved");
    expect(transitionOf("never-seen", prevIds, curIds)).toBeUndefined();
  });

  it("a duplicate finding in one sweep is counted once", () => {
    const d = diffFindings([], [nf("a-b"), nf("a-b")], t0);
    expect(d.open).toHaveLength(1);
    expect(d.opened).toHaveLength(1);
  });

  it("a resolved finding that comes back is opened again with a new firstSeen", () => {
    const first = diffFindings([], [nf("a-b")], t0).open;
    const second = diffFindings(first, [], t1);
    expect(second.resolved).toHaveLength(1);
    const third = diffFindings(second.open, [nf("a-b")], "2025-03-01T12:30:00.000Z");
    expect(third.opened[0]?.firstSeen).toBe("2025-03-01T12:30:00.000Z");
  });
});

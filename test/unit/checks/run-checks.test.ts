import { ALL_CHECKS, runChecks } from "../../../src/core/checks";
import { suppressedIds } from "../../../src/core/checks/run";
import type { Check } from "../../../src/core/checks/types";
import { findingId } from "../../../src/core/findings";
import { byIdIn, context, healthyEstate, IDS, inventory, set, type TestEstate } from "./builders";

/** An estate with three planted problems: a Basic LB (on the PLS), a Rejected Relay connection, a missing A record. */
function broken(): TestEstate {
  const e = healthyEstate();
  set(byIdIn(e.loadBalancers, IDS.lb), "sku", { name: "Basic" });
  set(
    byIdIn(e.paas, IDS.relay),
    "properties.privateEndpointConnections.0.properties.privateLinkServiceConnectionState.status",
    "Rejected",
  );
  e.aRecords.splice(0);
  return e;
}

const ids = (r: ReturnType<typeof runChecks>) => r.findings.map((f) => f.checkId).sort();

describe("runChecks", () => {
  it("reports each planted problem once, with the check's metadata", () => {
    const r = runChecks(inventory(broken()), context());
    expect(ids(r)).toEqual(["connection-stale-state", "pe-dns-record-mismatch", "pls-lb-not-standard"]);
    const lb = r.findings.find((f) => f.checkId === "pls-lb-not-standard");
    expect(lb).toMatchObject({
      severity: "error",
      resourceId: IDS.pls,
      docUrl: "docs/checks/pls-lb-not-standard.md",
      id: findingId("pls-lb-not-standard", IDS.pls, IDS.lb),
    });
    expect(lb?.remediation).toContain("Standard");
    expect(r.checkErrors).toEqual([]);
    expect(r.suppressed).toBe(0);
  });

  it("finding ids are stable across runs and resource ID casing", () => {
    const a = runChecks(inventory(broken()), context()).findings.map((f) => f.id);
    const e = broken();
    set(byIdIn(e.pls, IDS.pls), "id", IDS.pls.toUpperCase());
    set(byIdIn(e.loadBalancers, IDS.lb), "id", IDS.lb.toLowerCase());
    const b = runChecks(inventory(e), context()).findings.map((f) => f.id);
    expect(b.sort()).toEqual(a.sort());
  });

  it("selects with only and disabled (disabled wins)", () => {
    const inv = inventory(broken());
    expect(
      ids(runChecks(inv, context(), { only: ["pls-lb-not-standard", "connection-stale-state"] })),
    ).toEqual(["connection-stale-state", "pls-lb-not-standard"]);
    expect(ids(runChecks(inv, context(), { disabled: ["pls-lb-not-standard"] }))).toEqual([
      "connection-stale-state",
      "pe-dns-record-mismatch",
    ]);
    expect(
      ids(
        runChecks(inv, context(), {
          only: ["pls-lb-not-standard", "connection-stale-state"],
          disabled: ["connection-stale-state"],
        }),
      ),
    ).toEqual(["pls-lb-not-standard"]);
    // The count of checks run follows the same selection (ids trimmed, disabled wins).
    expect(runChecks(inv, context(), { only: [" pls-lb-not-standard"] }).checksRun).toBe(1);
    expect(
      runChecks(inv, context(), {
        only: ["pls-lb-not-standard", "connection-stale-state"],
        disabled: ["connection-stale-state"],
      }).checksRun,
    ).toBe(1);
  });

  it("reports an unknown id in the selection as a check error instead of silently running nothing", () => {
    const r = runChecks(inventory(broken()), context(), { only: ["pls-lb-not-standrad"] });
    expect(r.findings).toEqual([]);
    expect(r.checkErrors).toHaveLength(1);
    expect(r.checkErrors[0]?.checkId).toBe("pls-lb-not-standrad");
    expect(r.checkErrors[0]?.message).toContain("unknown check id");
  });

  it("suppresses by tag on the resource, listing ids or *", () => {
    const e = broken();
    set(byIdIn(e.pls, IDS.pls), "tags", { "linkgate-suppress": "pe-no-traffic, pls-lb-not-standard" });
    set(byIdIn(e.privateEndpoints, IDS.peRelay), "tags", { "Linkgate-Suppress": "*" });
    const r = runChecks(inventory(e), context());
    expect(ids(r)).toEqual(["connection-stale-state"]);
    expect(r.suppressed).toBe(2);
  });

  it("a tag on a parent suppresses findings on its children (connections of a namespace)", () => {
    const e = broken();
    set(byIdIn(e.paas, IDS.relay), "tags", {
      "linkgate-private-only": "true",
      "linkgate-suppress": "connection-stale-state",
    });
    expect(ids(runChecks(inventory(e), context()))).toEqual([
      "pe-dns-record-mismatch",
      "pls-lb-not-standard",
    ]);
  });

  it("a suppression for another check leaves the finding; a custom tag name is honoured", () => {
    const e = broken();
    set(byIdIn(e.pls, IDS.pls), "tags", { "linkgate-suppress": "pls-no-traffic", "ops-mute": "*" });
    expect(ids(runChecks(inventory(e), context()))).toContain("pls-lb-not-standard");
    expect(ids(runChecks(inventory(e), context(), { suppressTag: "ops-mute" }))).not.toContain(
      "pls-lb-not-standard",
    );
  });

  it("isolates a throwing check: reported as a check error, the others still run", () => {
    const boom: Check = {
      id: "always-throws",
      severity: "error",
      title: "t",
      description: "d",
      remediation: "r",
      docUrl: "docs/checks/always-throws.md",
      run: () => {
        throw new TypeError("cannot read properties of undefined (reading 'x')");
      },
    };
    const r = runChecks(inventory(broken()), context(), {}, [boom, ...ALL_CHECKS]);
    expect(r.checkErrors).toEqual([
      { checkId: "always-throws", message: expect.stringContaining("reading 'x'") },
    ]);
    expect(ids(r)).toHaveLength(3);
  });

  it("a policy evaluation failure inside a check is a check error naming the connection", () => {
    const e = healthyEstate();
    set(
      byIdIn(e.pls, IDS.pls),
      "properties.privateEndpointConnections.0.properties.privateLinkServiceConnectionState.status",
      "Pending",
    );
    const r = runChecks(
      inventory(e),
      context({
        evaluate: () => {
          throw new Error("regex too large");
        },
        factsFor: () => ({ requester: {}, target: {} }),
      }),
      { only: ["connection-missed-event"] },
    );
    expect(r.checkErrors[0]?.message).toContain(IDS.plsConnection);
    expect(r.checkErrors[0]?.message).toContain("regex too large");
  });

  it("per-result severity overrides the check's default", () => {
    const e = healthyEstate();
    e.links.splice(0);
    const r = runChecks(inventory(e), context(), { only: ["pe-dns-zone-not-linked"] });
    expect(r.findings.map((f) => f.severity)).toEqual(["error"]);
  });
});

describe("suppressedIds", () => {
  it("splits on commas and semicolons, trims and lower-cases", () => {
    expect([...suppressedIds(" PLS-No-Traffic ; pe-no-traffic,, *")]).toEqual([
      "pls-no-traffic",
      "pe-no-traffic",
      "*",
    ]);
    expect(suppressedIds(undefined).size).toBe(0);
  });
});

/**
 * Done-when for the sweep: over the demo estate (examples/demo-estate, served by the emulator through the real
 * SDK pipeline, live DNS from a loopback server) a sweep finds EXACTLY the planted problems, and every
 * registered check fires on exactly the resources planted for it — so each check has a failing resource and
 * passes everywhere else.
 */
import { ALL_CHECKS } from "../../../src/core/checks";
import type { SweepResult } from "../../../src/core/sweep";
import type { DecisionRecord } from "../../../src/core/reconcile";
import { runDemo } from "../../../src/cli/commands/demo";
import { memoryIo } from "../memoryIo";

const A = "/subscriptions/aaaaaaaa-0000-4000-8000-000000000001";
const F = "/subscriptions/ffffffff-0000-4000-8000-000000000003";
const NET = `${A}/resourceGroups/rg-demo/providers/Microsoft.Network`;
const APP = `${A}/resourceGroups/rg-demo-app/providers/Microsoft.Network`;
const PLATFORM = `${A}/resourceGroups/rg-platform/providers/Microsoft.Network`;
const pls = (n: string) => `${NET}/privateLinkServices/${n}`;
const pe = (n: string) => `${APP}/privateEndpoints/${n}`;

/** The planted problems: (checkId, resourceId), one line each, with what was planted. */
const PLANTED: [string, string][] = [
  ["connection-pending-too-long", `${pls("pls-good")}/privateEndpointConnections/pe-old.conn`], // systemData 4 days old
  ["connection-stale-state", `${pls("pls-good")}/privateEndpointConnections/pe-gone.conn`], // Rejected, still there
  [
    "connection-missed-event",
    `${A}/resourceGroups/rg-demo/providers/Microsoft.Relay/namespaces/relay-demo/privateEndpointConnections/pe-missed.conn`,
  ],
  ["connection-policy-drift", `${pls("pls-good")}/privateEndpointConnections/pe-x.conn`], // Approved, offboarded subscription
  // The demo's second Front Door look-alike (src/cli/commands/demo.ts managedEndpoints): Pending on stdemo, which
  // afd-demo's origin o-blob names, with a message of its own. The origin's own connection is approved first.
  [
    "connection-managed-uncorroborated",
    `${A}/resourceGroups/rg-demo/providers/Microsoft.Storage/storageAccounts/stdemo/privateEndpointConnections/afd-lookalike-2.d60cf8de-a258-ceca-ed69-73caa4582bc7`,
  ],
  // Approved by linkgate until 2025-01-03 (approveFor); the demo policy's report-only revocation (maxPerSweep 0)
  // trips its guard on it.
  ["connection-approval-expired", `${pls("pls-good")}/privateEndpointConnections/pe-temp.conn`],
  ["revocation-guard-tripped", "/providers/linkgate/revocation"],
  // Approved without the policy: approval inherited from pe-web (approvalReference) / pls-api's auto-approval list.
  ["connection-approved-outside-policy", `${pls("pls-good")}/privateEndpointConnections/pe-inherit.conn`],
  [
    "connection-approved-outside-policy",
    `${PLATFORM}/privateLinkServices/pls-api/privateEndpointConnections/pe-internal.conn`,
  ],
  ["pe-target-mismatch", pe("pe-mismatch")], // names pls-retired
  ["pls-visibility-excludes-requester", `${pls("pls-vis")}/privateEndpointConnections/pe-partner2.conn`],
  ["pls-auto-approval-not-in-visibility", pls("pls-vis")],
  ["pls-provisioning-failed", pls("pls-failed")],
  ["pls-lb-not-standard", pls("pls-basic")],
  ["pls-frontend-missing", pls("pls-nofe")],
  ["pls-no-lb-rule", pls("pls-norule")],
  ["pls-no-lb-rule", `${PLATFORM}/privateLinkServices/pls-api`], // the inventory sample's LB has no rules yet
  ["pls-backend-pool-empty", pls("pls-emptypool")],
  ["pls-backend-pool-empty", `${PLATFORM}/privateLinkServices/pls-api`], // ... nor a backend pool
  ["pls-no-health-probe", pls("pls-noprobe")],
  ["pls-subnet-network-policies-enabled", `${NET}/virtualNetworks/vnet-demo/subnets/snet-pls-netpol`],
  ["pls-no-traffic", pls("pls-notraffic")],
  ["pls-nat-port-usage-high", pls("pls-nat")],
  ["pe-no-traffic", pe("pe-quiet")],
  ["pe-no-dns-zone-group", pe("pe-relay-nozg")], // pe-listener has none either, suppressed by tag
  ["pe-dns-record-mismatch", pe("pe-blob")],
  [
    "pe-dns-zone-not-linked",
    `${A}/resourceGroups/rg-demo-dns/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net`,
  ],
  ["pe-dns-live-resolution", pe("pe-sb")], // resolves to a public address
  ["pe-vnet-region-mismatch", pe("pe-region")],
  ["relay-pe-limit", `${F}/resourceGroups/rg-relay-fleet/providers/Microsoft.Relay/namespaces/relay-busy`],
  ["relay-namespace-limit", F],
  ["relay-listener-ports-blocked", `${NET}/networkSecurityGroups/nsg-listener`],
  [
    "relay-public-access-enabled",
    `${A}/resourceGroups/rg-demo/providers/Microsoft.Relay/namespaces/relay-open`,
  ],
];

describe("the demo estate", () => {
  let sweep: SweepResult | undefined;
  let eventDecisions: readonly DecisionRecord[] = [];
  let managed: { origin: DecisionRecord[]; lookalike: DecisionRecord[] } | undefined;
  const io = memoryIo();
  let code: number;

  beforeAll(async () => {
    code = await runDemo(io, {
      onSweep: (r) => (sweep = r),
      onEventDecisions: (d) => (eventDecisions = d),
      onManagedDecisions: (d) => (managed = d),
    });
  }, 30_000);

  test("runs cleanly: no collection or check errors", () => {
    expect(io.err()).toBe("");
    expect(code).toBe(0);
    expect(sweep?.collectionErrors).toEqual([]);
    expect(sweep?.checkErrors).toEqual([]);
  });

  test("a sweep finds exactly the planted problems", () => {
    const found = (sweep?.findings ?? []).map((f) => `${f.checkId} ${f.resourceId.toLowerCase()}`).sort();
    expect(found).toEqual(PLANTED.map(([c, r]) => `${c} ${r.toLowerCase()}`).sort());
  });

  test("an Approved connection outside the policy names the path it arrived by, read through the collector", () => {
    const outside = (sweep?.findings ?? []).filter((f) => f.checkId === "connection-approved-outside-policy");
    const byName = new Map(outside.map((f) => [f.resourceId.split("/").pop(), f]));
    const inherited = byName.get("pe-inherit.conn");
    expect(inherited?.severity).toBe("warning");
    expect(inherited?.message).toContain(
      `it arrived by approvalReference: private endpoint ${A}/resourceGroups/rg-sandbox/`,
    );
    expect(inherited?.message).toContain(`inherited the approval of ${pe("pe-web")}`);
    expect(byName.get("pe-internal.conn")?.message).toContain("auto-approval list");
  });

  test("the visibility checks read the PLS accessMode (Network 2026-01-01) through the collector", () => {
    const f = (sweep?.findings ?? []).find((x) => x.checkId === "pls-visibility-excludes-requester");
    expect(f?.message).toContain("with accessMode Default it can connect by resource ID");
    const auto = (sweep?.findings ?? []).find((x) => x.checkId === "pls-auto-approval-not-in-visibility");
    expect(auto?.message).toContain("approved automatically, outside linkgate's policy");
  });

  test("every registered check fails somewhere and passes elsewhere", () => {
    const fired = new Set((sweep?.findings ?? []).map((f) => f.checkId));
    expect(ALL_CHECKS.map((c) => c.id).filter((id) => !fired.has(id))).toEqual([]);
    // Passing resources sit next to failing ones: e.g. pls-good and pe-relay-ok raise nothing.
    const clean = [
      pls("pls-good"),
      pe("pe-web"),
      pe("pe-relay-ok"),
      `${A}/resourceGroups/rg-demo/providers/Microsoft.Relay/namespaces/relay-demo`,
    ];
    expect(
      (sweep?.findings ?? []).filter((f) =>
        clean.some((id) => f.resourceId.toLowerCase() === id.toLowerCase()),
      ),
    ).toEqual([]);
    expect(sweep?.summary.suppressed).toBe(1);
  });

  test("the connection event is decided through the approval path, the missed one by the sweep", () => {
    expect(eventDecisions.map((d) => [d.connectionId.split("/").pop(), d.action, d.written])).toEqual([
      ["pe-new.conn", "approve", true],
      ["pe-old.conn", "pending", false],
    ]);
    expect(
      sweep?.decisions.map((d) => [d.connectionId.split("/").pop(), d.action, d.ruleId, d.written]),
    ).toEqual([["pe-missed.conn", "approve", "internal-demo-apps", true]]);
  });

  test("a Front Door origin's event approves its connection by corroboration; look-alikes stay Pending", () => {
    expect(
      managed?.origin.map((d) => [d.connectionId.split("/").pop()?.split(".")[0], d.action, d.ruleId]),
    ).toEqual([["afd-pe-b3fed5b7b50b", "approve", "edge-front-door"]]);
    expect(
      managed?.lookalike.map((d) => [d.connectionId.split("/").pop()?.split(".")[0], d.action, d.ruleId]),
    ).toEqual([
      ["afd-lookalike", "pending", "default"],
      ["afd-lookalike-2", "pending", "default"],
    ]);
    for (const d of managed?.lookalike ?? [])
      expect(d.reasons.join("\n")).toMatch(/managedBy: not corroborated/);
    expect(io.out()).toContain("by rule edge-front-door (enforce, written to ARM)");
    // Each look-alike's write event names its own resource type's operation, as ARM's would.
    expect(io.out()).toMatch(
      /event: ResourceWriteSuccess Microsoft\.KeyVault\/vaults\/privateEndpointConnections\/write for kv-demo\/privateEndpointConnections\/afd-lookalike\./,
    );
    expect(io.out()).toMatch(
      /event: ResourceWriteSuccess Microsoft\.Storage\/storageAccounts\/privateEndpointConnections\/write for stdemo\/privateEndpointConnections\/afd-lookalike-2\./,
    );
  });

  test("prints decisions and findings readably", () => {
    const out = io.out();
    expect(out).toContain(
      "APPROVE pls-good/privateEndpointConnections/pe-new.conn by rule internal-demo-apps (enforce, written to ARM)",
    );
    // The table (src/cli/output/table.ts) fits 120 columns: SEVERITY, CHECK, SUBSCRIPTION (short), RESOURCE
    // GROUP, NAME, MESSAGE.
    expect(out).toMatch(/^ERROR +pls-lb-not-standard +aaaaaaaa +rg-demo +pls-basic +\S/m);
    expect(out).toContain(`${PLANTED.length} finding(s): 15 error, 17 warning, 1 info`);
  });
});

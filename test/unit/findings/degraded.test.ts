import * as fs from "node:fs";
import * as path from "node:path";
import { ALL_CHECKS } from "../../../src/core/checks";
import {
  bounded,
  degradationOf,
  DNS_CHECKS,
  LIVE_DNS_CHECKS,
  MAX_LISTED,
  METRIC_CHECKS,
} from "../../../src/core/degraded";
import { diffFindings, findingId, type Finding, type NewFinding } from "../../../src/core/findings";
import type { CollectionError } from "../../../src/core/inventory";

const A = "aaaaaaaa-0000-4000-8000-00000000000a";
const B = "bbbbbbbb-0000-4000-8000-00000000000b";
const HUB = "cccccccc-0000-4000-8000-00000000000c";
const net = (sub: string) => `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Network`;
const pls = (sub: string) => `${net(sub)}/privateLinkServices/pls1`;
const pe = (sub: string) => `${net(sub)}/privateEndpoints/pe1`;

const KNOWN = new Set([
  "pls-lb-not-standard",
  "pls-no-traffic",
  "pe-no-traffic",
  "pls-nat-port-usage-high",
  "pe-dns-live-resolution",
  "pe-dns-zone-not-linked",
  "connection-pending-too-long",
]);

type Row = {
  name: string;
  errors: CollectionError[];
  threw?: string[];
  covered: [checkId: string, resourceId: string, message?: string][];
  notCovered: [checkId: string, resourceId: string, message?: string][];
  scopes?: string[];
};

const ROWS: Row[] = [
  {
    name: "nothing failed: nothing covered",
    errors: [],
    covered: [],
    notCovered: [
      ["pls-lb-not-standard", pls(A)],
      ["pls-no-traffic", pls(A)],
    ],
    scopes: [],
  },
  {
    name: "Resource Graph 503 for subscription A: every check in A, nothing in B",
    errors: [{ scope: `/subscriptions/${A}`, kind: "scope", message: "503 ServiceUnavailable" }],
    covered: [
      ["pls-lb-not-standard", pls(A)],
      ["pls-no-traffic", pls(A)],
      ["connection-pending-too-long", `${pls(A)}/privateEndpointConnections/c1`],
    ],
    notCovered: [
      ["pls-lb-not-standard", pls(B)],
      ["pls-no-traffic", pls(B)],
    ],
    scopes: [`/subscriptions/${A}`],
  },
  {
    name: "a finding in clean B that names something in blind A (a PLS Resource Graph could not list) is covered",
    errors: [{ scope: `/subscriptions/${A}`, kind: "scope", message: "503 ServiceUnavailable" }],
    covered: [
      [
        "pe-target-mismatch",
        pe(B),
        `private endpoint ${pe(B)} names ${pls(A)}, but no such Private Link Service exists in swept subscription ${A}`,
      ],
    ],
    notCovered: [["pe-target-mismatch", pe(B), `private endpoint ${pe(B)} names ${pls(B)}x`]],
  },
  {
    name: "metrics down in A does not cover a finding in B that merely names A",
    errors: [{ scope: `${pls(A)}/providers/Microsoft.Insights/metrics`, kind: "metrics", message: "500" }],
    covered: [["pls-no-traffic", pls(A)]],
    notCovered: [["pe-target-mismatch", pe(B), `names ${pls(A)}`]],
  },
  {
    name: "subscription read 403, untagged (a collector without kinds): judged from the scope",
    errors: [{ scope: `/subscriptions/${A.toUpperCase()}`, message: "403 AuthorizationFailed" }],
    covered: [["pls-lb-not-standard", pls(A)]],
    notCovered: [["pls-lb-not-standard", pls(B)]],
    scopes: [`/subscriptions/${A}`],
  },
  {
    name: "management group query failed: everything, everywhere",
    errors: [
      {
        scope: "/providers/Microsoft.Management/managementGroups/mg1",
        kind: "scope",
        message: "503 ServiceUnavailable",
      },
    ],
    covered: [
      ["pls-lb-not-standard", pls(A)],
      ["pe-no-traffic", pe(B)],
    ],
    notCovered: [],
    scopes: ["/providers/Microsoft.Management/managementGroups/mg1"],
  },
  {
    name: "metrics down for a PLS in A: only the metric checks in A",
    errors: [
      {
        scope: `${pls(A)}/providers/Microsoft.Insights/metrics`,
        kind: "metrics",
        message: "500 InternalServerError",
      },
    ],
    covered: [
      ["pls-no-traffic", pls(A)],
      ["pe-no-traffic", pe(A)],
      ["pls-nat-port-usage-high", pls(A)],
    ],
    notCovered: [
      ["pls-lb-not-standard", pls(A)],
      ["pls-no-traffic", pls(B)],
      ["connection-pending-too-long", `${pls(A)}/privateEndpointConnections/c1`],
    ],
    scopes: [`/subscriptions/${A} (metrics)`],
  },
  {
    name: "live DNS resolver failing: the live-resolution check everywhere, nothing else",
    errors: [{ scope: "dns:relay1.servicebus.windows.net", kind: "dns", message: "ETIMEOUT" }],
    covered: [
      ["pe-dns-live-resolution", pe(A)],
      ["pe-dns-live-resolution", pe(B)],
    ],
    notCovered: [
      ["pe-dns-zone-not-linked", pe(A)],
      ["pls-lb-not-standard", pls(A)],
    ],
    scopes: ["live DNS resolution"],
  },
  {
    name: "a hub private DNS zone unreadable: the DNS checks in every subscription, all checks in the hub",
    errors: [
      {
        scope: `${net(HUB)}/privateDnsZones/privatelink.servicebus.windows.net/virtualNetworkLinks`,
        kind: "dns-zone",
        message: "500",
      },
    ],
    covered: [
      ["pe-dns-zone-not-linked", pe(A)],
      ["pe-dns-live-resolution", pe(B)],
      ["pls-lb-not-standard", pls(HUB)],
    ],
    notCovered: [["pls-lb-not-standard", pls(A)]],
  },
  {
    name: "a referenced load balancer unreadable: every check in its subscription",
    errors: [{ scope: `${net(A)}/loadBalancers/lb1`, kind: "resource", message: "403" }],
    covered: [["pls-lb-not-standard", pls(A)]],
    notCovered: [["pls-lb-not-standard", pls(B)]],
  },
  {
    name: "a check that threw: that check everywhere, no other",
    errors: [],
    threw: ["pls-no-traffic"],
    covered: [
      ["pls-no-traffic", pls(A)],
      ["pls-no-traffic", pls(B)],
    ],
    notCovered: [["pls-lb-not-standard", pls(A)]],
    scopes: [],
  },
  {
    name: "a typo in the check selection is a check error but covers nothing",
    errors: [],
    threw: ["pls-no-trafic"],
    covered: [],
    notCovered: [["pls-no-traffic", pls(A)]],
  },
];

describe("degradationOf: which failures cover which findings", () => {
  test.each(ROWS.map((r) => [r.name, r] as const))("%s", (_name, row) => {
    const d = degradationOf(
      row.errors,
      (row.threw ?? []).map((checkId) => ({ checkId })),
      KNOWN,
    );
    for (const [checkId, resourceId, message] of row.covered)
      expect([checkId, resourceId, d.covers({ checkId, resourceId, message })]).toEqual([
        checkId,
        resourceId,
        true,
      ]);
    for (const [checkId, resourceId, message] of row.notCovered)
      expect([checkId, resourceId, d.covers({ checkId, resourceId, message })]).toEqual([
        checkId,
        resourceId,
        false,
      ]);
    expect(d.degraded).toBe(row.covered.length > 0);
    if (row.scopes) expect(d.failedScopes).toEqual(row.scopes);
  });

  test("failed checks are named; failed scopes and checks are bounded lists", () => {
    const errors = Array.from({ length: MAX_LISTED + 5 }, (_, i) => ({
      scope: `/subscriptions/${String(i).padStart(8, "0")}-0000-4000-8000-000000000000`,
      kind: "scope" as const,
      message: "403",
    }));
    const d = degradationOf(errors, [{ checkId: "pls-no-traffic" }], KNOWN);
    expect(d.failedScopes).toHaveLength(MAX_LISTED + 1);
    expect(d.failedScopes[MAX_LISTED]).toBe("… and 5 more");
    expect(d.failedChecks).toEqual(["pls-no-traffic"]);
    expect(bounded(["a", "b", "c"], 2)).toEqual(["a", "b", "… and 1 more"]);
  });
});

describe("diffFindings with a degraded sweep", () => {
  const t0 = "2026-11-24T10:00:00.000Z";
  const t1 = "2026-11-24T10:15:00.000Z";
  const nf = (checkId: string, resourceId: string, message = "m"): NewFinding => ({
    id: findingId(checkId, resourceId),
    checkId,
    severity: "error",
    resourceId,
    message,
    remediation: "r",
    docUrl: "d",
  });
  const open = (f: NewFinding): Finding => ({ ...f, firstSeen: t0, lastSeen: t0 });
  const coverA = (f: { resourceId: string }) => f.resourceId.includes(A);

  type DiffRow = {
    name: string;
    previous: Finding[];
    current: NewFinding[];
    carried: string[];
    resolved: string[];
    opened: string[];
    withheld: string[];
  };
  const a = nf("pls-lb-not-standard", pls(A));
  const b = nf("pls-lb-not-standard", pls(B));
  const a2 = nf("pls-no-traffic", pls(A));
  const rows: DiffRow[] = [
    {
      name: "open in the blind scope, not seen now: carried, not resolved",
      previous: [open(a), open(b)],
      current: [],
      carried: [a.id],
      resolved: [b.id],
      opened: [],
      withheld: [],
    },
    {
      name: "open in the blind scope and seen now (reworded): carried exactly as stored",
      previous: [open(a)],
      current: [nf("pls-lb-not-standard", pls(A), "partial view")],
      carried: [a.id],
      resolved: [],
      opened: [],
      withheld: [],
    },
    {
      name: "new in the blind scope: withheld, not opened, not saved",
      previous: [],
      current: [a2, b],
      carried: [],
      resolved: [],
      opened: [b.id],
      withheld: [a2.id],
    },
  ];
  test.each(rows.map((r) => [r.name, r] as const))("%s", (_name, row) => {
    const d = diffFindings(row.previous, row.current, t1, { covered: coverA });
    expect(d.carried.map((f) => f.id)).toEqual(row.carried);
    expect(d.resolved.map((f) => f.id)).toEqual(row.resolved);
    expect(d.opened.map((f) => f.id)).toEqual(row.opened);
    expect(d.withheld.map((f) => f.id)).toEqual(row.withheld);
    // Carried findings are saved exactly as they were: same firstSeen, lastSeen and message.
    for (const c of d.carried) expect(d.open).toContainEqual(row.previous.find((p) => p.id === c.id));
    // A withheld finding is not in the open set, so it is not saved.
    for (const w of d.withheld) expect(d.open.map((f) => f.id)).not.toContain(w.id);
  });
});

describe("the check lists a metrics or DNS failure covers", () => {
  const CHECKS_DIR = path.join(__dirname, "..", "..", "..", "src", "core", "checks");
  const source = (id: string) => fs.readFileSync(path.join(CHECKS_DIR, `${id}.ts`), "utf8");

  test("name registered checks", () => {
    const ids = ALL_CHECKS.map((c) => c.id);
    for (const id of [...METRIC_CHECKS, ...DNS_CHECKS, ...LIVE_DNS_CHECKS]) expect(ids).toContain(id);
  });

  // A check that starts reading metrics or DNS data without being listed would have its findings resolved by
  // a metrics or DNS outage: this fails first.
  test.each(ALL_CHECKS.map((c) => [c.id] as const))("%s is listed if it reads metrics or DNS data", (id) => {
    const src = source(id);
    const readsMetrics = /\bmetric\(|\.metrics\b/.test(src);
    const readsDns =
      /\.zones\b|aRecords|zoneGroupsByEndpoint|linksByZone|zoneConfigs\(|inv\.dns\b|privateDns/.test(src);
    const readsLiveDns = /inv\.dns\b/.test(src);
    expect([id, readsMetrics]).toEqual([id, METRIC_CHECKS.includes(id)]);
    expect([id, readsDns]).toEqual([id, DNS_CHECKS.includes(id)]);
    expect([id, readsLiveDns]).toEqual([id, LIVE_DNS_CHECKS.includes(id)]);
  });
});

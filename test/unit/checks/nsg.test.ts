/**
 * NSG flow evaluation (core/checks/nsg.ts): IPv4 and IPv6 prefixes through ipaddr.js, service tags decided
 * from the flow where the data allows (VirtualNetwork, Internet and public tags against private addresses,
 * AzureLoadBalancer) and application security groups; an undecidable earlier rule that would decide
 * differently makes the verdict Unknown, naming it. Table-driven over one outbound listener flow.
 */
import ipaddr from "ipaddr.js";
import { evaluateFlow, overlaps, parsePrefix, type Flow } from "../../../src/core/checks/nsg";

const ASG = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/applicationSecurityGroups/asg-pe";

function rule(name: string, priority: number, access: "Allow" | "Deny", p: Record<string, unknown> = {}) {
  return {
    name,
    properties: {
      priority,
      direction: "Outbound",
      access,
      protocol: "Tcp",
      sourcePortRange: "*",
      destinationPortRange: "9400-9599",
      sourceAddressPrefix: "*",
      destinationAddressPrefix: "*",
      ...p,
    },
  };
}
const nsg = (...rules: ReturnType<typeof rule>[]) => ({ id: "/nsg", properties: { securityRules: rules } });

const V4: Flow = {
  direction: "Outbound",
  protocol: "Tcp",
  sourcePrefixes: ["10.1.0.0/24"],
  destinationIp: "10.1.2.4",
  destinationPort: 9400,
};
const V6: Flow = { ...V4, sourcePrefixes: ["fd00:1:1::/64"], destinationIp: "fd00:1:2::4" };

describe("evaluateFlow", () => {
  it.each<[string, Flow, ReturnType<typeof nsg>, string, string]>([
    ["no custom rule: AllowVnetOutBound", V4, nsg(), "Allow", "AllowVnetOutBound"],
    [
      "IPv4 CIDR deny on the destination",
      V4,
      nsg(rule("d", 100, "Deny", { destinationAddressPrefix: "10.1.2.0/24" })),
      "Deny",
      "d",
    ],
    [
      "IPv4 CIDR elsewhere does not apply",
      V4,
      nsg(rule("d", 100, "Deny", { destinationAddressPrefix: "10.9.0.0/16" })),
      "Allow",
      "AllowVnetOutBound",
    ],
    [
      "IPv6 CIDR deny on the destination",
      V6,
      nsg(rule("d6", 100, "Deny", { destinationAddressPrefix: "fd00:1:2::/48" })),
      "Deny",
      "d6",
    ],
    [
      "IPv6 source range overlapping the subnet",
      V6,
      nsg(rule("s6", 100, "Deny", { sourceAddressPrefix: "fd00:1::/32" })),
      "Deny",
      "s6",
    ],
    [
      "an IPv4 rule never matches IPv6",
      V6,
      nsg(rule("d", 100, "Deny", { destinationAddressPrefix: "10.0.0.0/8" })),
      "Allow",
      "AllowVnetOutBound",
    ],
    [
      "VirtualNetwork tag applies",
      V4,
      nsg(rule("vn", 100, "Deny", { destinationAddressPrefix: "VirtualNetwork" })),
      "Deny",
      "vn",
    ],
    [
      "Internet never holds a private endpoint",
      V4,
      nsg(rule("in", 100, "Deny", { destinationAddressPrefix: "Internet" })),
      "Allow",
      "AllowVnetOutBound",
    ],
    [
      "AzureCloud (public) never holds a private IP",
      V4,
      nsg(rule("ac", 100, "Deny", { destinationAddressPrefix: "AzureCloud" })),
      "Allow",
      "AllowVnetOutBound",
    ],
    [
      "Storage.WestEurope source never holds the private subnet",
      V4,
      nsg(rule("st", 100, "Deny", { sourceAddressPrefix: "Storage.WestEurope" })),
      "Allow",
      "AllowVnetOutBound",
    ],
    [
      "destination ASG the endpoint is in",
      { ...V4, destinationAsgIds: [ASG.toUpperCase()] },
      nsg(rule("asg", 100, "Deny", { destinationApplicationSecurityGroups: [{ id: ASG }] })),
      "Deny",
      "asg",
    ],
    [
      "destination ASG the endpoint is not in",
      { ...V4, destinationAsgIds: [] },
      nsg(rule("asg", 100, "Deny", { destinationApplicationSecurityGroups: [{ id: ASG }] })),
      "Allow",
      "AllowVnetOutBound",
    ],
    [
      "destination ASG, membership not known: Unknown",
      V4,
      nsg(rule("asg", 100, "Deny", { destinationApplicationSecurityGroups: [{ id: ASG }] })),
      "Unknown",
      "AllowVnetOutBound",
    ],
    [
      "source ASG (listeners not known): Unknown before an Allow",
      V4,
      nsg(rule("src-asg", 100, "Deny", { sourceApplicationSecurityGroups: [{ id: ASG }] })),
      "Unknown",
      "AllowVnetOutBound",
    ],
    [
      "an undecidable Deny before a Deny decides Deny",
      V4,
      nsg(
        rule("src-asg", 100, "Deny", { sourceApplicationSecurityGroups: [{ id: ASG }] }),
        rule("d", 200, "Deny"),
      ),
      "Deny",
      "d",
    ],
    [
      "a public-range sender with a service tag: Unknown",
      { ...V4, sourcePrefixes: ["20.1.0.0/24"] },
      nsg(rule("ac", 100, "Deny", { sourceAddressPrefix: "AzureCloud" })),
      "Unknown",
      "AllowVnetOutBound",
    ],
  ])("%s", (_name, flow, g, access, ruleName) => {
    const v = evaluateFlow(g, flow);
    expect([v?.access, v?.ruleName]).toEqual([access, ruleName]);
    if (access === "Unknown")
      expect(v?.undecidedBy?.[0]?.why).toMatch(/application security group|service tag/);
  });
});

describe("prefixes (ipaddr.js)", () => {
  it.each<[string, string, boolean]>([
    ["10.0.0.0/8", "10.1.2.0/24", true],
    ["10.1.2.0/24", "10.0.0.0/8", true],
    ["10.1.2.0/24", "10.1.3.0/24", false],
    ["10.1.2.4", "10.1.2.0/24", true],
    ["fd00::/8", "fd00:1:2::4", true],
    ["fd00::/8", "10.0.0.0/8", false],
    ["not-an-ip", "10.0.0.0/8", false],
  ])("%s overlaps %s: %s", (a, b, expected) => {
    expect(overlaps(a, b)).toBe(expected);
  });

  it("refuses what is not an address or CIDR", () => {
    expect(parsePrefix("10.0.0.300/8")).toBeUndefined();
    expect(parsePrefix("VirtualNetwork")).toBeUndefined();
    expect(parsePrefix("10.0.0.0/33")).toBeUndefined();
  });
});

describe("constant prefixes", () => {
  // The private ranges and AzureLoadBalancer's address are parsed once at module load, not per rule per flow.
  const CONSTANTS = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "168.63.129.16"];
  afterEach(() => jest.restoreAllMocks());

  it.each<[string, ReturnType<typeof nsg>, string, string]>([
    [
      "a public service tag against a private flow (private ranges)",
      nsg(rule("storage", 100, "Deny", { destinationAddressPrefix: "Storage" })),
      "Allow",
      "AllowVnetOutBound",
    ],
    [
      "AzureLoadBalancer as the source",
      nsg(rule("lb", 100, "Deny", { sourceAddressPrefix: "AzureLoadBalancer" })),
      "Allow",
      "AllowVnetOutBound",
    ],
  ])("%s: evaluated without re-parsing them", (_name, n, access, ruleName) => {
    const parseCIDR = jest.spyOn(ipaddr, "parseCIDR");
    const parse = jest.spyOn(ipaddr, "parse");
    for (let i = 0; i < 3; i++) expect(evaluateFlow(n, V4)).toMatchObject({ access, ruleName });
    const parsed = [...parseCIDR.mock.calls, ...parse.mock.calls].map((c) => String(c[0]).trim());
    expect(parsed.filter((p) => CONSTANTS.includes(p))).toEqual([]);
    // The flow's own addresses are still parsed: the spies do see nsg.ts's calls.
    expect(parsed.some((p) => V4.sourcePrefixes.includes(p) || p === V4.destinationIp)).toBe(true);
  });
});

/**
 * Network security group evaluation for one flow, the way Azure does it: rules of one direction tried by
 * ascending priority (custom and default rules together), the first rule whose protocol, ports and
 * addresses all match decides. Addresses are IPv4 or IPv6 (ipaddr.js: a pure library, no I/O).
 *
 * What ARM data alone cannot settle is said, never guessed: a rule naming an application security group
 * the flow's endpoints are not known to be in or out of, or a service tag whose addresses are not in the
 * data (AzureCloud, Storage.WestEurope...) when a side of the flow is not private, is "unknown". When such a
 * rule comes before the deciding one and would decide differently, the verdict is `Unknown`, naming it.
 * Tags that are decidable from the flow: `*`/`Any`, `VirtualNetwork` (the sender subnet and a private
 * endpoint are in it), `Internet` and every other tag (public address lists, which contain no private
 * address), `AzureLoadBalancer` (168.63.129.16).
 */
import ipaddr from "ipaddr.js";
import type { ArmJson } from "../inventory";
import { asArray, asNumber, asString, asStrings, props } from "./arm";

export interface Flow {
  direction: "Inbound" | "Outbound";
  protocol: "Tcp" | "Udp";
  /** Prefixes of the sending side (e.g. the listener subnet); any overlap counts as a match. */
  sourcePrefixes: string[];
  destinationIp: string;
  destinationPort: number;
  /** Application security groups the destination is in (a private endpoint's); absent: not known. */
  destinationAsgIds?: string[];
}

export interface Verdict {
  /** `Unknown`: an earlier rule that ARM data cannot evaluate would decide differently (see `undecidedBy`). */
  access: "Allow" | "Deny" | "Unknown";
  ruleName: string;
  priority: number;
  /** The earlier rules that could not be evaluated, with why. */
  undecidedBy?: { ruleName: string; priority: number; why: string }[];
}

/** Azure's default rules, used when a collector read an NSG without its defaultSecurityRules. */
const DEFAULT_RULES: {
  name: string;
  priority: number;
  direction: string;
  access: string;
  src: string;
  dst: string;
}[] = [
  {
    name: "AllowVnetInBound",
    priority: 65000,
    direction: "Inbound",
    access: "Allow",
    src: "VirtualNetwork",
    dst: "VirtualNetwork",
  },
  {
    name: "AllowAzureLoadBalancerInBound",
    priority: 65001,
    direction: "Inbound",
    access: "Allow",
    src: "AzureLoadBalancer",
    dst: "*",
  },
  { name: "DenyAllInBound", priority: 65500, direction: "Inbound", access: "Deny", src: "*", dst: "*" },
  {
    name: "AllowVnetOutBound",
    priority: 65000,
    direction: "Outbound",
    access: "Allow",
    src: "VirtualNetwork",
    dst: "VirtualNetwork",
  },
  {
    name: "AllowInternetOutBound",
    priority: 65001,
    direction: "Outbound",
    access: "Allow",
    src: "*",
    dst: "Internet",
  },
  { name: "DenyAllOutBound", priority: 65500, direction: "Outbound", access: "Deny", src: "*", dst: "*" },
];

interface Rule {
  name: string;
  priority: number;
  direction: string;
  access: string;
  protocol: string;
  sourcePorts: string[];
  destinationPorts: string[];
  sourcePrefixes: string[];
  destinationPrefixes: string[];
  sourceAsgs: string[];
  destinationAsgs: string[];
}

function many(p: ArmJson, one: string, list: string): string[] {
  const single = asString(p[one]);
  return [...(single ? [single] : []), ...asStrings(p[list])];
}

function asgIds(value: unknown): string[] {
  return asArray(value)
    .map((a) => asString(a["id"]) ?? "")
    .filter(Boolean);
}

function toRule(r: ArmJson): Rule | undefined {
  const p = props(r);
  const priority = asNumber(p["priority"]);
  if (priority === undefined) return undefined;
  return {
    name: asString(r["name"]) ?? `priority ${priority}`,
    priority,
    direction: asString(p["direction"]) ?? "",
    access: asString(p["access"]) ?? "",
    protocol: asString(p["protocol"]) ?? "*",
    sourcePorts: many(p, "sourcePortRange", "sourcePortRanges"),
    destinationPorts: many(p, "destinationPortRange", "destinationPortRanges"),
    sourcePrefixes: many(p, "sourceAddressPrefix", "sourceAddressPrefixes"),
    destinationPrefixes: many(p, "destinationAddressPrefix", "destinationAddressPrefixes"),
    sourceAsgs: asgIds(p["sourceApplicationSecurityGroups"]),
    destinationAsgs: asgIds(p["destinationApplicationSecurityGroups"]),
  };
}

export function rulesOf(nsg: ArmJson): Rule[] {
  const p = props(nsg);
  const custom = asArray(p["securityRules"]).map(toRule);
  const defaults = Array.isArray(p["defaultSecurityRules"])
    ? asArray(p["defaultSecurityRules"]).map(toRule)
    : DEFAULT_RULES.map((d) => ({
        name: d.name,
        priority: d.priority,
        direction: d.direction,
        access: d.access,
        protocol: "*",
        sourcePorts: ["*"],
        destinationPorts: ["*"],
        sourcePrefixes: [d.src],
        destinationPrefixes: [d.dst],
        sourceAsgs: [],
        destinationAsgs: [],
      }));
  return [...custom, ...defaults]
    .filter((r): r is Rule => r !== undefined)
    .sort((a, b) => a.priority - b.priority);
}

type Match = "yes" | "no" | "unknown";

type Network = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** A CIDR (`10.0.0.0/24`, `fd00::/64`) or a bare address, as a parsed network; undefined when neither. */
export function parsePrefix(prefix: string): Network | undefined {
  const t = prefix.trim();
  try {
    if (t.includes("/")) return ipaddr.parseCIDR(t);
    const a = ipaddr.parse(t);
    return [a, a.kind() === "ipv4" ? 32 : 128];
  } catch {
    return undefined;
  }
}

/** Whether two parsed networks share an address (CIDR blocks either nest or are disjoint). */
function networksOverlap(x: Network | undefined, y: Network | undefined): boolean {
  if (!x || !y || x[0].kind() !== y[0].kind()) return false;
  const [ax, bx] = x;
  const [ay, by] = y;
  return bx <= by ? (ay as typeof ax).match(ax, bx) : (ax as typeof ay).match(ay, by);
}

/** Whether two networks share an address (CIDR blocks either nest or are disjoint). */
export function overlaps(a: string, b: string): boolean {
  return networksOverlap(parsePrefix(a), parsePrefix(b));
}

// Constant networks, parsed once at module load rather than per rule per flow.
const PRIVATE_V4: readonly [ipaddr.IPv4, number][] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map(
  (r) => ipaddr.parseCIDR(r) as [ipaddr.IPv4, number],
);
const AZURE_LOAD_BALANCER = parsePrefix("168.63.129.16");

/** Whether every address of the network is private (RFC 1918, CGNAT-free; IPv6 unique local). */
function isPrivate(prefix: string): boolean {
  const p = parsePrefix(prefix);
  if (!p) return false;
  const [addr, bits] = p;
  if (addr.kind() === "ipv4") {
    return PRIVATE_V4.some(([net, len]) => bits >= len && (addr as ipaddr.IPv4).match(net, len));
  }
  return bits >= 7 && addr.range() === "uniqueLocal";
}

/**
 * Whether a rule's address prefix covers a side of the flow (`side`: the sender subnets or the destination
 * IP, all inside the VNet). A service tag other than the decidable ones is unknown unless the side is private.
 */
function prefixMatches(prefix: string, side: string[]): Match {
  const t = prefix.trim();
  const tag = t.toLowerCase();
  if (tag === "*" || tag === "any" || tag === "virtualnetwork") return "yes";
  const net = parsePrefix(t);
  if (net) return side.some((s) => networksOverlap(net, parsePrefix(s))) ? "yes" : "no";
  if (tag === "azureloadbalancer")
    return side.some((s) => networksOverlap(AZURE_LOAD_BALANCER, parsePrefix(s))) ? "yes" : "no";
  // Internet and the Azure service tags list public addresses only.
  if (side.length > 0 && side.every(isPrivate)) return "no";
  return "unknown";
}

function anyOf(results: Match[]): Match {
  if (results.includes("yes")) return "yes";
  return results.includes("unknown") ? "unknown" : "no";
}

function portMatches(ranges: string[], port: number): boolean {
  return ranges.some((r) => {
    const t = r.trim();
    if (t === "*") return true;
    const [a, b] = t.split("-").map((x) => Number(x.trim()));
    if (a === undefined || !Number.isFinite(a)) return false;
    return b === undefined ? port === a : Number.isFinite(b) && port >= a && port <= b;
  });
}

function protocolMatches(rule: string, flow: Flow["protocol"]): boolean {
  const r = rule.toLowerCase();
  return r === "*" || r === "any" || r === flow.toLowerCase();
}

/** How a rule applies to the flow, and why when ARM data cannot tell. */
function ruleMatch(r: Rule, flow: Flow): { match: Match; why?: string } {
  if (r.direction.toLowerCase() !== flow.direction.toLowerCase()) return { match: "no" };
  if (!protocolMatches(r.protocol, flow.protocol)) return { match: "no" };
  // Clients use ephemeral source ports: only a rule open to every source port surely applies.
  if (!r.sourcePorts.some((s) => s.trim() === "*")) return { match: "no" };
  if (!portMatches(r.destinationPorts, flow.destinationPort)) return { match: "no" };
  const dst: Match =
    r.destinationAsgs.length > 0
      ? flow.destinationAsgIds === undefined
        ? "unknown"
        : r.destinationAsgs.some((a) =>
              flow.destinationAsgIds?.some((b) => a.toLowerCase() === b.toLowerCase()),
            )
          ? "yes"
          : "no"
      : anyOf(r.destinationPrefixes.map((p) => prefixMatches(p, [flow.destinationIp])));
  if (dst === "no") return { match: "no" };
  // The senders' NICs (the listeners) are not in the data: a source ASG cannot be decided.
  const src: Match =
    r.sourceAsgs.length > 0
      ? "unknown"
      : anyOf(r.sourcePrefixes.map((p) => prefixMatches(p, flow.sourcePrefixes)));
  if (src === "no") return { match: "no" };
  if (dst === "yes" && src === "yes") return { match: "yes" };
  const why = [
    ...(r.sourceAsgs.length > 0 ? ["source application security group (its members are not known)"] : []),
    ...(r.destinationAsgs.length > 0 && dst === "unknown" ? ["destination application security group"] : []),
    ...[...r.sourcePrefixes, ...r.destinationPrefixes]
      .filter((p) => !parsePrefix(p) && prefixMatches(p, []) === "unknown")
      .map((p) => `service tag ${p.trim()} (its addresses are not in ARM data)`),
  ];
  return { match: "unknown", why: [...new Set(why)].join(", ") || "addresses it names" };
}

/**
 * The verdict of the first matching rule, `Unknown` when an earlier rule that cannot be evaluated would decide
 * differently; undefined only when no rule (not even a default) matches.
 */
export function evaluateFlow(nsg: ArmJson, flow: Flow): Verdict | undefined {
  const undecided: (NonNullable<Verdict["undecidedBy"]>[number] & { access: string })[] = [];
  for (const r of rulesOf(nsg)) {
    const m = ruleMatch(r, flow);
    const access = r.access.toLowerCase() === "deny" ? "Deny" : "Allow";
    if (m.match === "unknown") {
      undecided.push({ ruleName: r.name, priority: r.priority, why: m.why ?? "", access });
      continue;
    }
    if (m.match === "no") continue;
    const differs = undecided.filter((u) => u.access !== access);
    if (differs.length > 0) {
      return {
        access: "Unknown",
        ruleName: r.name,
        priority: r.priority,
        undecidedBy: differs.map(({ ruleName, priority, why }) => ({ ruleName, priority, why })),
      };
    }
    return { access, ruleName: r.name, priority: r.priority };
  }
  return undefined;
}

/** Compresses sorted ports into `443, 9400-9499` style text. */
export function portRanges(ports: number[]): string {
  const sorted = [...new Set(ports)].sort((a, b) => a - b);
  const parts: string[] = [];
  let start = sorted[0];
  let prev = sorted[0];
  for (const p of sorted.slice(1).concat([Number.NaN])) {
    if (start === undefined || prev === undefined) break;
    if (p === prev + 1) {
      prev = p;
      continue;
    }
    parts.push(start === prev ? `${start}` : `${start}-${prev}`);
    start = p;
    prev = p;
  }
  return parts.join(", ");
}

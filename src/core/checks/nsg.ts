/**
 * Network security group evaluation for one flow, the way Azure does it: rules of one direction tried by
 * ascending priority (custom and default rules together), the first rule whose protocol, ports and
 * addresses all match decides. Service tags other than `*`, VirtualNetwork and Internet, and application
 * security groups, cannot be resolved from ARM data alone: such rules are treated as not matching, and the
 * caller's message names the deciding rule so a person can judge.
 */
import type { ArmJson } from "../inventory";
import { asArray, asNumber, asString, asStrings, props } from "./arm";

export interface Flow {
  direction: "Inbound" | "Outbound";
  protocol: "Tcp" | "Udp";
  /** Prefixes of the sending side (e.g. the listener subnet); any overlap counts as a match. */
  sourcePrefixes: string[];
  destinationIp: string;
  destinationPort: number;
}

export interface Verdict {
  access: "Allow" | "Deny";
  ruleName: string;
  priority: number;
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
  usesAsg: boolean;
}

function many(p: ArmJson, one: string, list: string): string[] {
  const single = asString(p[one]);
  return [...(single ? [single] : []), ...asStrings(p[list])];
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
    usesAsg:
      asArray(p["sourceApplicationSecurityGroups"]).length > 0 ||
      asArray(p["destinationApplicationSecurityGroups"]).length > 0,
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
        usesAsg: false,
      }));
  return [...custom, ...defaults]
    .filter((r): r is Rule => r !== undefined)
    .sort((a, b) => a.priority - b.priority);
}

export function parseIpv4(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip.trim());
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((n) => n > 255)) return undefined;
  return parts.reduce((acc, n) => acc * 256 + n, 0);
}

/** `10.0.0.0/24` or a bare address, as an inclusive numeric range. */
export function cidrRange(prefix: string): [number, number] | undefined {
  const [addr, bitsText] = prefix.trim().split("/");
  const base = parseIpv4(addr ?? "");
  if (base === undefined) return undefined;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return undefined;
  const size = 2 ** (32 - bits);
  const start = Math.floor(base / size) * size;
  return [start, start + size - 1];
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

/** Destination match for an address inside the VNet (private endpoints always are). */
function destinationMatches(prefixes: string[], ip: string): boolean {
  const n = parseIpv4(ip);
  return prefixes.some((p) => {
    const t = p.trim();
    if (t === "*" || t.toLowerCase() === "virtualnetwork") return true;
    const range = cidrRange(t);
    return !!range && n !== undefined && n >= range[0] && n <= range[1];
  });
}

/** Source match for senders inside the VNet: a CIDR matches when it overlaps any of the sender's prefixes. */
function sourceMatches(prefixes: string[], senders: string[]): boolean {
  return prefixes.some((p) => {
    const t = p.trim();
    if (t === "*" || t.toLowerCase() === "virtualnetwork") return true;
    const range = cidrRange(t);
    if (!range) return false;
    return senders.some((s) => {
      const r = cidrRange(s);
      return !!r && r[0] <= range[1] && range[0] <= r[1];
    });
  });
}

function protocolMatches(rule: string, flow: Flow["protocol"]): boolean {
  const r = rule.toLowerCase();
  return r === "*" || r === flow.toLowerCase();
}

/** The verdict of the first matching rule; undefined only when no rule (not even a default) matches. */
export function evaluateFlow(nsg: ArmJson, flow: Flow): Verdict | undefined {
  for (const r of rulesOf(nsg)) {
    if (r.direction.toLowerCase() !== flow.direction.toLowerCase()) continue;
    if (r.usesAsg) continue;
    if (!protocolMatches(r.protocol, flow.protocol)) continue;
    // Clients use ephemeral source ports: only a rule open to every source port surely applies.
    if (!r.sourcePorts.some((s) => s.trim() === "*")) continue;
    if (!portMatches(r.destinationPorts, flow.destinationPort)) continue;
    if (!destinationMatches(r.destinationPrefixes, flow.destinationIp)) continue;
    if (!sourceMatches(r.sourcePrefixes, flow.sourcePrefixes)) continue;
    const access = r.access.toLowerCase() === "deny" ? "Deny" : "Allow";
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

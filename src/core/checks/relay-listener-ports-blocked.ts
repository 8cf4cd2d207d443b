import { asArray, asString, asStrings, idOf, lookup, props, refId } from "./arm";
import { endpointIps, endpointSubnetId, estateOf } from "./estate";
import { evaluateFlow, portRanges, type Verdict } from "./nsg";
import { relayNamespaces } from "./relay";
import { connectionsOf } from "./estate";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "relay-listener-ports-blocked";

/** Standard Relay ports (HTTPS, AMQP) and the range a hybrid connection listener needs over private link. */
export const RELAY_LISTENER_PORTS: readonly number[] = [
  443,
  5671,
  ...Array.from({ length: 200 }, (_, i) => 9400 + i),
];

export const check: Check = {
  id: ID,
  severity: "error",
  title: "NSG on a Relay listener subnet blocks outbound 443/5671 or 9400-9599",
  description:
    "A Relay listener connecting through a private endpoint needs outbound TCP to the endpoint's private IP on 443 and 5671 and on 9400-9599. An NSG on the listener's subnet (taken as the subnet of a private endpoint connected to a Relay namespace) whose rules, by priority including the default rules, deny any of them breaks listeners. NSGs do not apply to the private endpoint itself; they apply to the listener's outbound traffic.",
  remediation:
    "Add an outbound Allow rule on the NSG, at a priority lower (earlier) than the denying rule: protocol TCP, destination the private endpoint IP (or VirtualNetwork), destination ports 443,5671,9400-9599.",
  docUrl: docUrlFor(ID),
  run(inv) {
    const e = estateOf(inv);
    const out: CheckResult[] = [];
    const seen = new Set<string>();
    for (const ns of relayNamespaces(e)) {
      const nsId = idOf(ns);
      if (!nsId) continue;
      for (const c of connectionsOf(e, nsId)) {
        if (c.status !== "Approved" && c.status !== "Pending") continue;
        const pe = lookup(e.privateEndpoints, c.privateEndpointId);
        const subnetId = endpointSubnetId(pe ?? {});
        const subnet = lookup(e.subnets, subnetId);
        const nsgId = refId(props(subnet)["networkSecurityGroup"]);
        const nsg = lookup(e.nsgs, nsgId);
        if (!pe || !subnetId || !nsg || !nsgId) continue;
        const sp = props(subnet);
        const senders = [
          ...(asString(sp["addressPrefix"]) ? [asString(sp["addressPrefix"]) as string] : []),
          ...asStrings(sp["addressPrefixes"]),
        ];
        for (const ip of endpointIps(e, pe)) {
          const key = `${nsgId}|${subnetId}|${ip}`.toLowerCase();
          if (seen.has(key)) continue;
          seen.add(key);
          const denied: number[] = [];
          const unknown: number[] = [];
          const rules = new Map<string, Verdict>();
          const undecidable = new Map<string, string>();
          // A private endpoint's own application security groups are in its properties.
          const peAsgs = asArray(props(pe)["applicationSecurityGroups"])
            .map((a) => asString(a["id"]) ?? "")
            .filter(Boolean);
          for (const port of RELAY_LISTENER_PORTS) {
            const v = evaluateFlow(nsg, {
              direction: "Outbound",
              protocol: "Tcp",
              sourcePrefixes: senders,
              destinationIp: ip,
              destinationPort: port,
              destinationAsgIds: peAsgs,
            });
            if (v?.access === "Unknown") {
              unknown.push(port);
              for (const u of v.undecidedBy ?? [])
                undecidable.set(u.ruleName, `${u.ruleName} (priority ${u.priority}: ${u.why})`);
              continue;
            }
            if (v?.access !== "Deny") continue;
            denied.push(port);
            rules.set(v.ruleName, v);
          }
          if (denied.length === 0 && unknown.length === 0) continue;
          const by = [...rules.values()].map((r) => `${r.ruleName} (priority ${r.priority})`).join(", ");
          const cannot =
            unknown.length > 0
              ? `could not decide TCP ${portRanges(unknown)}: ${[...undecidable.values()].join("; ")} comes first and linkgate cannot evaluate it from ARM data; check it by hand (Network Watcher IP flow verify)`
              : "";
          out.push({
            resourceId: nsgId,
            discriminator: `${subnetId}|${ip}`,
            message:
              denied.length > 0
                ? `NSG ${nsgId} on listener subnet ${subnetId} denies outbound TCP ${portRanges(denied)} to private endpoint ${idOf(pe)} (${ip}) of Relay namespace ${nsId}; denied by ${by}${cannot ? `; ${cannot}` : ""}`
                : `NSG ${nsgId} on listener subnet ${subnetId}: outbound TCP to private endpoint ${idOf(pe)} (${ip}) of Relay namespace ${nsId} ${cannot}`,
            // Only what is known to be denied is an error; what cannot be decided is a warning to check.
            ...(denied.length === 0 ? { severity: "warning" as const } : {}),
            data: { deniedPorts: denied.length, undecidedPorts: unknown.length },
          });
        }
      }
    }
    return out;
  },
};

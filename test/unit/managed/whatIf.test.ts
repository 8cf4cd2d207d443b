/** policy what-if judges requester.managedBy from the inventory's definitions, under each policy's own owners. */
import type { Policy } from "../../../src/core/policy";
import { whatIf } from "../../../src/core/whatif/whatIf";
import type { ManagedEndpointDefinition } from "../../../src/ports";
import {
  byIdIn,
  connectionRaw,
  healthyEstate,
  IDS,
  inventory,
  NOW,
  PROVIDER_SUB,
  type Json,
} from "../checks/builders";
import { FakeTenants } from "../reconcile/fakes";

const PROFILE = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-edge/providers/Microsoft.Cdn/profiles/afd1`;
const ORIGIN: ManagedEndpointDefinition = {
  service: "frontDoor",
  id: `${PROFILE}/originGroups/og/origins/o1`,
  ownerId: PROFILE,
  targetId: IDS.pls,
  requestMessage: "afd o1",
};
const managedBy = (globs: string[]): Policy => ({
  apiVersion: "linkgate/v1",
  mode: "enforce",
  default: "pending",
  rules: [{ id: "edge", action: "approve", when: { requester: { managedBy: { frontDoor: globs } } } }],
});

function estate(defs: ManagedEndpointDefinition[] | undefined) {
  const e = healthyEstate();
  const props = byIdIn(e.pls, IDS.pls)["properties"] as Json;
  // A PLS that only Front Door reaches: another consumer's Approved connection, showing nothing that excludes
  // it, could be the origin's own and would make the request ambiguous (corroborate.test.ts covers that).
  props["privateEndpointConnections"] = [];
  const list = props["privateEndpointConnections"] as Json[];
  const raw = connectionRaw(`${IDS.pls}/privateEndpointConnections/afd`, `${IDS.peApp}-afd`, "Pending");
  ((raw["properties"] as Json)["privateLinkServiceConnectionState"] as Json)["description"] = "afd o1";
  list.push(raw);
  if (defs) e.managedDefinitions = defs;
  return inventory(e);
}

describe("whatIf with requester.managedBy", () => {
  it.each<[string, ManagedEndpointDefinition[] | undefined, string[], string, string]>([
    ["the new policy lists the origin's profile", [ORIGIN], ["**/rg-other/**"], "default", "edge"],
    [
      "no definitions collected: unknown under both, no change",
      undefined,
      ["**/rg-other/**"],
      "unknown-facts",
      "unknown-facts",
    ],
  ])("%s", async (_name, defs, oldGlobs, oldRule, newRule) => {
    const r = await whatIf({
      inventory: estate(defs),
      oldPolicy: managedBy(oldGlobs),
      newPolicy: managedBy(["**/rg-edge/providers/Microsoft.Cdn/profiles/*"]),
      tenants: new FakeTenants(),
      now: NOW,
    });
    const afd = r.changes.find((c) => c.connectionId.endsWith("/afd"));
    if (oldRule === newRule) expect(afd).toBeUndefined();
    else expect([afd?.old.ruleId, afd?.new.ruleId, afd?.new.action]).toEqual([oldRule, newRule, "approve"]);
  });
});

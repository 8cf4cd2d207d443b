/** `linkgate facts` with a managed definition reader: the corroborating definition's ID is in the facts. */
import { ArmError } from "../../../src/core/errors";
import { ALL_MANAGED_OWNERS, connectionFacts } from "../../../src/core/connectionFacts";
import { evaluate, parseDecisionFacts, parsePolicy } from "../../../src/core/policy";
import { normalizeResourceId } from "../../../src/core/resourceId";
import type {
  ManagedDefinitionReader,
  ManagedEndpointDefinition,
  ManagedOwnerGlobs,
} from "../../../src/ports";
import { FakeArm, FakeTenants, makeDeps, PLS_ID, policyOf, PROVIDER_SUB } from "../reconcile/fakes";

const PROFILE = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-edge/providers/Microsoft.Cdn/profiles/afd1`;
const ORIGIN: ManagedEndpointDefinition = {
  service: "frontDoor",
  id: `${PROFILE}/originGroups/og1/origins/o1`,
  ownerId: PROFILE,
  targetId: PLS_ID,
  location: "westeurope",
  requestMessage: "afd o1",
};

function reader(defs: ManagedEndpointDefinition[], fail?: number) {
  const calls: ManagedOwnerGlobs[] = [];
  const r: ManagedDefinitionReader = {
    async listForTarget(_t, owners) {
      calls.push(owners);
      if (fail) throw new ArmError(`${PROFILE}: ${fail}`, fail, "Injected", PROFILE);
      return defs;
    },
    async getDefinition() {
      return undefined;
    },
  };
  return { r, calls };
}

function estate() {
  const arm = new FakeArm();
  arm.addTarget(PLS_ID);
  const c = arm.addConnection(PLS_ID, "c1", "Pending", { description: "afd o1" });
  arm.connections.set(normalizeResourceId(c.id), { ...c, privateEndpointLocation: "westeurope" });
  const deps = makeDeps(
    arm,
    policyOf(() => ({ action: "pending", ruleId: "d", message: "m", reasons: [] })),
    {
      tenants: new FakeTenants(),
    },
  );
  return { c, deps };
}

describe("connectionFacts with managed definitions", () => {
  it("carries the corroborating definition, reads every owner by default, and decide --request decides on it", async () => {
    const { c, deps } = estate();
    const { r, calls } = reader([ORIGIN]);
    const out = await connectionFacts(c.id, { ...deps, managed: r });
    if ("error" in out) throw new Error(out.error);
    expect(out.facts.requester.managedBy).toMatchObject({
      outcome: "corroborated",
      definitionId: ORIGIN.id,
      ownerId: PROFILE,
      strength: "strong",
    });
    expect(calls).toEqual([ALL_MANAGED_OWNERS]);
    const parsed = parseDecisionFacts(JSON.parse(JSON.stringify(out.facts)), "facts.json");
    if ("errors" in parsed) throw new Error(parsed.errors.join("\n"));
    const policy = parsePolicy(
      `apiVersion: linkgate/v1\nrules:\n  - id: edge\n    when: { requester: { managedBy: { frontDoor: ["**/rg-edge/**"] } } }\n    action: approve\n`,
      "p.yaml",
    );
    if ("errors" in policy) throw new Error("bad policy");
    expect(evaluate(policy.policy, parsed.facts)).toMatchObject({ action: "approve", ruleId: "edge" });
  });

  it.each<[string, ManagedDefinitionReader | undefined, unknown]>([
    ["no reader: no managedBy fact at all", undefined, undefined],
    ["a reader that fails: unknown, saying why", reader([], 403).r, { outcome: "unknown" }],
    ["no definition: none", reader([]).r, { outcome: "none" }],
  ])("%s", async (_name, managed, expected) => {
    const { c, deps } = estate();
    const out = await connectionFacts(c.id, { ...deps, ...(managed ? { managed } : {}) });
    if ("error" in out) throw new Error(out.error);
    if (expected === undefined) expect(out.facts.requester.managedBy).toBeUndefined();
    else expect(out.facts.requester.managedBy).toMatchObject(expected as object);
  });
});

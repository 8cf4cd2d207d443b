/** `linkgate facts`' core: the facts of one real connection, as reconcile builds them, readable by decide --request. */
import { connectionFacts } from "../../../src/core/connectionFacts";
import { parseDecisionFacts } from "../../../src/core/policy";
import { CONSUMER_SUB, FakeArm, FakeTenants, makeDeps, policyOf, RELAY_ID } from "./fakes";

const pending = () => ({ action: "pending" as const, ruleId: "default", message: "m", reasons: [] });

describe("connectionFacts", () => {
  it("builds the facts reconcile decides on, which decide --request parses back unchanged", async () => {
    const arm = new FakeArm();
    arm.addTarget(RELAY_ID);
    arm.addConnection(RELAY_ID, "a1", "Approved");
    const c = arm.addConnection(RELAY_ID, "p1", "Pending");
    const policy = policyOf(pending);
    const deps = makeDeps(arm, policy, { tenants: new FakeTenants() });
    const r = await connectionFacts(c.id.toUpperCase(), deps);
    if ("error" in r) throw new Error(r.error);
    expect(r.facts).toMatchObject({
      requester: { subscriptionId: CONSUMER_SUB },
      target: { id: RELAY_ID },
      approvedCount: 1,
    });
    const parsed = parseDecisionFacts(JSON.parse(JSON.stringify(r.facts)), "facts.json");
    expect("errors" in parsed ? parsed.errors : []).toEqual([]);
  });

  it.each([
    ["not a connection ID", () => RELAY_ID, /is not a private endpoint connection ID/],
    [
      "a target that does not exist",
      () => `${RELAY_ID}x/privateEndpointConnections/c`,
      /does not exist or cannot be read/,
    ],
    [
      "a connection the target does not have",
      () => `${RELAY_ID}/privateEndpointConnections/nope`,
      /has no connection nope/,
    ],
  ])("%s: an error naming it", async (_n, id, message) => {
    const arm = new FakeArm();
    arm.addTarget(RELAY_ID);
    const r = await connectionFacts(id(), makeDeps(arm, policyOf(pending)));
    expect("error" in r ? r.error : "").toMatch(message);
  });
});

/**
 * Reconcile with managed private endpoint corroboration (issue 13): definitions read once per pass, only
 * when the policy uses managedBy, fed into every Pending connection's facts; the real policy engine decides.
 */
import { ArmError } from "../../../src/core/errors";
import type { ManagedByFacts, PrivateEndpointConnection } from "../../../src/core/model";
import {
  connectionDescription,
  evaluate,
  managedOwnerGlobs,
  parsePolicy,
  UNKNOWN_FACTS_RULE_ID,
} from "../../../src/core/policy";
import { NO_READER_REASON } from "../../../src/core/managed";
import { reconcileTarget, type PolicyRuntime } from "../../../src/core/reconcile";
import { normalizeResourceId } from "../../../src/core/resourceId";
import type {
  ManagedDefinitionReader,
  ManagedEndpointDefinition,
  ManagedOwnerGlobs,
} from "../../../src/ports";
import { FakeArm, makeDeps, PLS_ID, PROVIDER_SUB } from "./fakes";

const PROFILE = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-edge/providers/Microsoft.Cdn/profiles/afd1`;
const MANAGED_SUB = "99999999-0000-0000-0000-00000000000f";
const managedPe = (name: string) =>
  `/subscriptions/${MANAGED_SUB}/resourceGroups/afd-managed/providers/Microsoft.Network/privateEndpoints/${name}`;

const origin = (name: string, over: Partial<ManagedEndpointDefinition> = {}): ManagedEndpointDefinition => ({
  service: "frontDoor",
  id: `${PROFILE}/originGroups/og1/origins/${name}`,
  ownerId: PROFILE,
  targetId: PLS_ID,
  location: "westeurope",
  requestMessage: "afd origin o1",
  ...over,
});

class FakeManagedReader implements ManagedDefinitionReader {
  calls: { targetId: string; owners: ManagedOwnerGlobs }[] = [];
  failWith: number | undefined;
  constructor(public definitions: ManagedEndpointDefinition[] = []) {}
  async listForTarget(targetId: string, owners: ManagedOwnerGlobs): Promise<ManagedEndpointDefinition[]> {
    this.calls.push({ targetId, owners });
    if (this.failWith !== undefined)
      throw new ArmError(`${PROFILE}: ${this.failWith} injected`, this.failWith, "Injected", PROFILE);
    return this.definitions.filter((d) => normalizeResourceId(d.targetId) === normalizeResourceId(targetId));
  }
  async getDefinition(id: string): Promise<ManagedEndpointDefinition | undefined> {
    return this.definitions.find((d) => normalizeResourceId(d.id) === normalizeResourceId(id));
  }
}

const MANAGED_POLICY = (mode = "enforce") => `apiVersion: linkgate/v1
mode: ${mode}
rules:
  - id: edge
    when:
      requester:
        managedBy:
          frontDoor: ["/subscriptions/*/resourceGroups/rg-edge/providers/Microsoft.Cdn/profiles/*"]
    action: approve
  - id: corp
    when: { requester: { subscriptions: ["${MANAGED_SUB}"] } }
    action: approve
`;

/** The real engine as the composition root builds it, with the facts it saw. */
function runtimeOf(yaml: string): PolicyRuntime & { seen: ManagedByFacts[] } {
  const parsed = parsePolicy(yaml, "p.yaml");
  if ("errors" in parsed) throw new Error(JSON.stringify(parsed.errors));
  const policy = parsed.policy;
  const seen: ManagedByFacts[] = [];
  const owners = managedOwnerGlobs(policy);
  return {
    mode: policy.mode,
    source: "p.yaml",
    seen,
    decide: (facts) => {
      if (facts.requester.managedBy) seen.push(facts.requester.managedBy);
      return evaluate(policy, facts);
    },
    describe: (d) => connectionDescription(d),
    ...(owners ? { managedOwners: owners } : {}),
  };
}

function pending(arm: FakeArm, name: string, over: Partial<PrivateEndpointConnection> = {}) {
  const c = arm.addConnection(PLS_ID, name, "Pending", {
    endpoint: managedPe(`pe-${name}`),
    description: "afd origin o1",
  });
  const withLocation = { ...c, privateEndpointLocation: "westeurope", ...over };
  arm.connections.set(normalizeResourceId(c.id), withLocation);
  return withLocation;
}

function setup(definitions: ManagedEndpointDefinition[], yaml = MANAGED_POLICY()) {
  const arm = new FakeArm();
  arm.addTarget(PLS_ID);
  const managed = new FakeManagedReader(definitions);
  const policy = runtimeOf(yaml);
  const deps = { ...makeDeps(arm, policy), managed };
  return { arm, managed, policy, deps };
}

const byName = (r: Awaited<ReturnType<typeof reconcileTarget>>, name: string) =>
  r.decisions.find((d) => d.connectionId.endsWith(`/${name}`));

describe("reconcile with requester.managedBy", () => {
  it("corroborated: approves, names the definition, reads definitions once per pass under the policy's owners", async () => {
    const { arm, managed, deps, policy } = setup([origin("o1")]);
    pending(arm, "c1");
    arm.addConnection(PLS_ID, "other", "Pending", {
      endpoint: managedPe("x"),
      description: "something else",
    });
    const r = await reconcileTarget(PLS_ID, deps);
    expect(byName(r, "c1")).toMatchObject({ action: "approve", ruleId: "edge", written: true });
    expect(byName(r, "c1")?.reasons.join("\n")).toMatch(/corroborated by Front Door origin .*origins\/o1/);
    // The other one is a managed endpoint from the same subscription: the later rule "corp" would approve it,
    // but it is simply not corroborated, so it falls through like any non-match.
    expect(byName(r, "other")).toMatchObject({ action: "approve", ruleId: "corp" });
    // Two connections decided; one read of the definitions for the pass (and the approvals' recount passes
    // re-use it), under the policy's owner globs.
    expect(managed.calls).toHaveLength(1);
    expect(managed.calls[0]).toEqual({
      targetId: PLS_ID,
      owners: { frontDoor: ["/subscriptions/*/resourceGroups/rg-edge/providers/Microsoft.Cdn/profiles/*"] },
    });
    expect(policy.seen.find((f) => f.outcome === "corroborated")).toMatchObject({
      definitionId: origin("o1").id,
      ownerId: PROFILE,
      strength: "strong",
    });
    expect(arm.puts.map((p) => p.status)).toEqual(["Approved", "Approved"]);
  });

  it.each<[string, ManagedEndpointDefinition[], Partial<PrivateEndpointConnection>, RegExp]>([
    [
      "no definition at all (a look-alike with the same message)",
      [],
      {},
      /rule edge: requester\.managedBy: not corroborated: no Front Door origins under frontDoor \[.*\] vouches for this request \(no definition read names target .*pls1, location westeurope, the connection's request message \(13 characters\); no definition read names this target at all\)/,
    ],
    [
      "a definition in another region",
      [origin("o1", { location: "northeurope" })],
      {},
      /origins\/o1 is in northeurope, the connection's private endpoint in westeurope/,
    ],
    [
      "a definition under an owner the policy does not list",
      [
        origin("o1", {
          ownerId: "/subscriptions/x/resourceGroups/rg-other/providers/Microsoft.Cdn/profiles/p",
        }),
      ],
      {},
      /which is not under frontDoor/,
    ],
  ])("not corroborated: the rule does not match (%s)", async (_name, defs, over, reason) => {
    const yaml = MANAGED_POLICY().replace(/ {2}- id: corp[\s\S]*$/, "");
    const { arm, deps } = setup(defs, yaml);
    pending(arm, "c1", over);
    const r = await reconcileTarget(PLS_ID, deps);
    expect(byName(r, "c1")).toMatchObject({ action: "pending", ruleId: "default", written: false });
    expect(byName(r, "c1")?.reasons.join("\n")).toMatch(reason);
    expect(arm.puts).toHaveLength(0);
  });

  it.each<[string, (m: FakeManagedReader) => void, boolean, RegExp]>([
    [
      "the reader throws",
      (m) => (m.failWith = 503),
      true,
      /unknown-facts: requester\.managedBy: managed private endpoint definitions unknown: the definitions naming .*pls1 could not be read: .*503 injected/,
    ],
    ["no reader configured", () => undefined, false, new RegExp(NO_READER_REASON)],
  ])(
    "unknown: %s decides pending, never the later approve rule",
    async (_name, arrange, withReader, reason) => {
      const { arm, managed, deps } = setup([origin("o1")]);
      arrange(managed);
      pending(arm, "c1");
      const r = await reconcileTarget(PLS_ID, withReader ? deps : { ...deps, managed: undefined });
      expect(byName(r, "c1")).toMatchObject({
        action: "pending",
        ruleId: UNKNOWN_FACTS_RULE_ID,
        written: false,
      });
      expect(byName(r, "c1")?.reasons.join("\n")).toMatch(reason);
      expect(arm.puts).toHaveLength(0);
    },
  );

  it("ambiguous: two Pending connections claim one definition; both pending, each naming the candidate and the rival", async () => {
    const { arm, deps } = setup([origin("o1")]);
    const a = pending(arm, "c1");
    const b = pending(arm, "c2");
    const r = await reconcileTarget(PLS_ID, deps);
    for (const [c, rival] of [
      [a, b],
      [b, a],
    ] as const) {
      const d = byName(r, c.name);
      expect(d).toMatchObject({ action: "pending", ruleId: UNKNOWN_FACTS_RULE_ID });
      expect(d?.reasons.join("\n")).toMatch(
        /ambiguous, left for a human: candidates Front Door origin .*origins\/o1/,
      );
      expect(d?.reasons.join("\n")).toContain(`also claimed by ${rival.id}`);
    }
    expect(arm.puts).toHaveLength(0);
  });

  it("ambiguous: one connection matches two definitions (two profiles), every candidate named", async () => {
    const other = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-edge/providers/Microsoft.Cdn/profiles/afd2`;
    const { arm, deps } = setup([
      origin("o1"),
      origin("o9", { ownerId: other, id: `${other}/originGroups/g/origins/o9` }),
    ]);
    pending(arm, "c1");
    const r = await reconcileTarget(PLS_ID, deps);
    const d = byName(r, "c1");
    expect(d).toMatchObject({ action: "pending", ruleId: UNKNOWN_FACTS_RULE_ID });
    expect(d?.reasons.join("\n")).toMatch(
      /candidates Front Door origin .*afd1\/originGroups\/og1\/origins\/o1, Front Door origin .*afd2\/originGroups\/g\/origins\/o9/,
    );
  });

  it("audit mode: decides approve through corroboration and writes nothing", async () => {
    const { arm, deps } = setup([origin("o1")], MANAGED_POLICY("audit"));
    pending(arm, "c1");
    const r = await reconcileTarget(PLS_ID, deps);
    expect(byName(r, "c1")).toMatchObject({
      action: "approve",
      ruleId: "edge",
      mode: "audit",
      written: false,
    });
    expect(arm.puts).toHaveLength(0);
  });

  it("a policy without managedBy reads no definitions and sets no fact", async () => {
    const { arm, managed, deps, policy } = setup(
      [origin("o1")],
      `apiVersion: linkgate/v1\nrules:\n  - id: all\n    action: approve\n`,
    );
    pending(arm, "c1");
    const r = await reconcileTarget(PLS_ID, deps);
    expect(byName(r, "c1")?.action).toBe("approve");
    expect(managed.calls).toHaveLength(0);
    expect(policy.seen).toHaveLength(0);
  });

  it("a target with nothing Pending reads no definitions (there is nothing to corroborate)", async () => {
    const { arm, managed, deps } = setup([origin("o1")]);
    arm.addConnection(PLS_ID, "done", "Approved", { endpoint: managedPe("pe-done") });
    arm.addConnection(PLS_ID, "no", "Rejected", { endpoint: managedPe("pe-no") });
    const r = await reconcileTarget(PLS_ID, deps);
    expect(r.decisions).toHaveLength(0);
    expect(r.untouched).toBe(2);
    expect(managed.calls).toHaveLength(0);
  });

  it("after approving the corroborated connection, a later look-alike on the next reconcile is ambiguous", async () => {
    const { arm, deps } = setup([origin("o1")]);
    pending(arm, "c1");
    await reconcileTarget(PLS_ID, deps);
    pending(arm, "c2");
    const r = await reconcileTarget(PLS_ID, deps);
    expect(byName(r, "c2")).toMatchObject({ action: "pending", ruleId: UNKNOWN_FACTS_RULE_ID });
    expect(byName(r, "c2")?.reasons.join("\n")).toMatch(/also claimed by .*c1/);
  });
});

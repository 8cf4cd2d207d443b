/**
 * Tenant discovery failing, over the emulator with the real resolver (ArmTenantResolver) and the real
 * policy engine: a policy "reject tenant X, then approve subscription S" must never approve S when S's
 * tenant cannot be learned (403, 404, 401 without WWW-Authenticate), "unknown" is never cached, and
 * concurrent lookups for one subscription share one request.
 */
import { ArmTenantResolver } from "../../../src/adapters/arm/tenantResolver";
import { approvalDeps } from "../../../src/adapters/compose";
import type { PolicyRuntime } from "../../../src/core/reconcile";
import { reconcileTarget } from "../../../src/core/reconcile";
import { connectionDescription, evaluate, parsePolicy } from "../../../src/core/policy";
import { startEmulator, type RunningEmulator } from "../../../src/emulator";
import { emulatorArm } from "../emulator/helpers";
import { FakeTelemetry, MemoryLogger } from "../../unit/reconcile/fakes";
import { CONSUMER_SUB, CONSUMER_TENANT, PLS_ID, countPuts, plsDoc, subscriptions } from "./seed";

const TENANT_X = "99999999-0000-4000-8000-000000000009";
/** The unauthenticated tenant-discovery GET of the consumer's subscription, and nothing else. */
const DISCOVERY = { method: "GET", path: `^/subscriptions/${CONSUMER_SUB}$` };

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});

afterAll(async () => {
  await emu?.stop();
});

function seed(docs: Record<string, unknown>[]): void {
  emu.state.reset();
  emu.faults.clear();
  for (const d of subscriptions())
    emu.state.setSubscription(d as { subscriptionId: string; tenantId: string });
  for (const d of docs) emu.state.add(d);
}

/**
 * Counts tenant-discovery requests for the consumer's subscription (a rule that only delays). The first
 * matching fault rule decides, so this cannot be combined with another rule on the same path.
 */
function countDiscovery(latencyMs = 0): () => number {
  const id = emu.faults.add({ ...DISCOVERY, latencyMs });
  return () => emu.faults.list().find((r) => r.rule.id === id)?.hits ?? 0;
}

function policyRuntime(): PolicyRuntime {
  const parsed = parsePolicy(
    `apiVersion: linkgate/v1
rules:
  - id: reject-tenant-x
    when: { requester: { tenants: ["${TENANT_X}"] } }
    action: reject
  - id: approve-consumer-sub
    when: { requester: { subscriptions: ["${CONSUMER_SUB}"] } }
    action: approve
`,
    "tenant-policy.yaml",
  );
  if ("errors" in parsed) throw new Error(JSON.stringify(parsed.errors));
  const policy = parsed.policy;
  return {
    mode: policy.mode,
    source: "tenant-policy.yaml",
    decide: (f) => evaluate(policy, f),
    describe: (d) => connectionDescription(d),
  };
}

function deps() {
  const arm = emulatorArm(emu, { maxRetries: 2, retryDelayInMs: 5, maxRetryDelayInMs: 20 });
  const telemetry = new FakeTelemetry();
  const logger = new MemoryLogger();
  return {
    ...approvalDeps({ env: {}, logger, policy: policyRuntime(), telemetry, arm }),
    telemetry,
    logger,
  };
}

const CONN = `${PLS_ID}/privateEndpointConnections/pending1`;

function statusOf(connectionId: string): string | undefined {
  const doc = emu.state.get(connectionId) as
    { properties?: { privateLinkServiceConnectionState?: { status?: string } } } | undefined;
  return doc?.properties?.privateLinkServiceConnectionState?.status;
}

describe("reject tenant X, then approve subscription S, when S's tenant cannot be learned", () => {
  it("control: with discovery working, S's tenant is not X and the approve rule approves (one PUT)", async () => {
    seed([plsDoc([["pending1", "Pending"]])]);
    const puts = countPuts(emu);
    const r = await reconcileTarget(PLS_ID, deps());
    expect(r.decisions[0]).toMatchObject({
      action: "approve",
      ruleId: "approve-consumer-sub",
      requesterTenantId: CONSUMER_TENANT,
    });
    expect(puts()).toBe(1);
    expect(statusOf(CONN)).toBe("Approved");
  });

  it.each([
    ["403", { status: 403, code: "AuthorizationFailed" }],
    ["404", { status: 404, code: "SubscriptionNotFound" }],
    ["401 without WWW-Authenticate", { status: 401, code: "AuthenticationFailed" }],
  ])(
    "%s: pending by unknown-facts, nothing written; not cached, so the next run approves",
    async (_name, fault) => {
      seed([plsDoc([["pending1", "Pending"]])]);
      const puts = countPuts(emu);
      const faultId = emu.faults.add({ ...DISCOVERY, ...fault });
      const d = deps();

      const first = await reconcileTarget(PLS_ID, d);
      expect(first.decisions).toHaveLength(1);
      expect(first.decisions[0]).toMatchObject({
        action: "pending",
        ruleId: "unknown-facts",
        written: false,
      });
      expect(first.decisions[0]?.requesterTenantId).toBeUndefined();
      expect(first.decisions[0]?.reasons).toContain(
        "unknown-facts: requester.tenants: tenant unknown, needed by rule reject-tenant-x",
      );
      expect(puts()).toBe(0);
      expect(statusOf(CONN)).toBe("Pending");

      // The same resolver asks again: "unknown" was not remembered as an answer.
      const second = await reconcileTarget(PLS_ID, d);
      expect(second.decisions[0]).toMatchObject({ ruleId: "unknown-facts", written: false });
      const hits = emu.faults.list().find((x) => x.rule.id === faultId)?.hits;
      expect(hits).toBe(2);

      emu.faults.remove(faultId);
      const third = await reconcileTarget(PLS_ID, d);
      expect(third.decisions[0]).toMatchObject({
        action: "approve",
        ruleId: "approve-consumer-sub",
        written: true,
      });
      expect(puts()).toBe(1);
      expect(statusOf(CONN)).toBe("Approved");
    },
  );

  it("a 503 from discovery is transient: the reconcile throws and writes nothing", async () => {
    seed([plsDoc([["pending1", "Pending"]])]);
    const puts = countPuts(emu);
    emu.faults.add({ ...DISCOVERY, status: 503 });
    await expect(reconcileTarget(PLS_ID, deps())).rejects.toMatchObject({ transient: true });
    expect(puts()).toBe(0);
    expect(statusOf(CONN)).toBe("Pending");
  });
});

describe("ArmTenantResolver over the emulator", () => {
  const arm = () => emulatorArm(emu, { maxRetries: 0 });

  it("20 concurrent lookups for one subscription make one request; the answer is then cached", async () => {
    seed([]);
    const requests = countDiscovery(100);
    const resolver = new ArmTenantResolver(arm());
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => resolver.tenantOfSubscription(CONSUMER_SUB)),
    );
    expect(answers).toEqual(Array.from({ length: 20 }, () => CONSUMER_TENANT));
    expect(requests()).toBe(1);
    // Case does not make a different subscription.
    expect(await resolver.tenantOfSubscription(CONSUMER_SUB.toUpperCase())).toBe(CONSUMER_TENANT);
    expect(requests()).toBe(1);
  });

  it("20 concurrent lookups under a 403 share one request; the next lookup asks again", async () => {
    seed([]);
    const id = emu.faults.add({ ...DISCOVERY, latencyMs: 100, status: 403 });
    const requests = () => emu.faults.list().find((r) => r.rule.id === id)?.hits ?? 0;
    const resolver = new ArmTenantResolver(arm());
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => resolver.tenantOfSubscription(CONSUMER_SUB)),
    );
    expect(answers).toEqual(Array.from({ length: 20 }, () => undefined));
    expect(requests()).toBe(1);
    await resolver.tenantOfSubscription(CONSUMER_SUB);
    expect(requests()).toBe(2);
  });

  it("keeps a learned tenant for the TTL, then asks again", async () => {
    seed([]);
    const requests = countDiscovery();
    let now = 1_000_000;
    const resolver = new ArmTenantResolver(arm(), { tenantCacheTtlInMs: 60_000, now: () => now });
    expect(await resolver.tenantOfSubscription(CONSUMER_SUB)).toBe(CONSUMER_TENANT);
    now += 59_999;
    expect(await resolver.tenantOfSubscription(CONSUMER_SUB)).toBe(CONSUMER_TENANT);
    expect(requests()).toBe(1);
    now += 2;
    expect(await resolver.tenantOfSubscription(CONSUMER_SUB)).toBe(CONSUMER_TENANT);
    expect(requests()).toBe(2);
  });

  it("one caller aborting does not fail the others sharing the request", async () => {
    seed([]);
    const requests = countDiscovery(200);
    const resolver = new ArmTenantResolver(arm());
    const ac = new AbortController();
    const aborted = resolver.tenantOfSubscription(CONSUMER_SUB, { abortSignal: ac.signal });
    const other = resolver.tenantOfSubscription(CONSUMER_SUB);
    ac.abort();
    await expect(aborted).rejects.toMatchObject({ transient: true });
    expect(await other).toBe(CONSUMER_TENANT);
    expect(requests()).toBe(1);
  });

  it("a hung discovery request is bounded by its timeout and fails transient", async () => {
    seed([]);
    countDiscovery(2_000);
    const resolver = new ArmTenantResolver(arm(), { requestTimeoutInMs: 200 });
    await expect(resolver.tenantOfSubscription(CONSUMER_SUB)).rejects.toMatchObject({ transient: true });
  });
});

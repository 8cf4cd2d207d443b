/**
 * Every provider profile (src/emulator/providers/catalog.ts) driven through the real client: an approval goes
 * through the provider's write contract — synchronous, Key Vault's 200 + Updating, 201/202 with
 * Azure-AsyncOperation or Location, PATCH for Batch — to Approved; embedded-only types are read from their
 * parent without a list call; a long-running write that ends Failed is reported failed and retried. The
 * emulator records this traffic for `npm run conformance`.
 */
import { approvalDeps } from "../../../src/adapters/compose";
import type { Decision } from "../../../src/core/model";
import { reconcileTarget } from "../../../src/core/reconcile";
import { startEmulator, type RunningEmulator } from "../../../src/emulator";
import { allProfiles, profileFor } from "../../../src/emulator/providers/catalog";
import type { ProviderProfile } from "../../../src/emulator/providers/profile";
import { emulatorArm, RECORD_DIR } from "../emulator/helpers";
import { approveAll, FakeTelemetry, MemoryLogger, policyOf } from "../../unit/reconcile/fakes";
import { type Doc, parentIdOf, providerParent } from "./providerSeed";
import { subscriptions } from "./seed";

let emu: RunningEmulator;

beforeAll(async () => {
  // Two polls per operation: the client must come back to the operation, not take the first answer.
  emu = await startEmulator({ port: 0, recordDir: RECORD_DIR, lroPolls: 2, lroRetryAfterSeconds: 0 });
});

afterAll(async () => {
  await emu?.stop();
});

function seed(docs: Doc[]): void {
  emu.state.reset();
  emu.faults.clear();
  emu.operationFaults.clear();
  for (const s of subscriptions())
    emu.state.setSubscription(s as { subscriptionId: string; tenantId: string });
  for (const d of docs) emu.state.add(d);
}

function deps(decide: () => Decision = approveAll) {
  const arm = emulatorArm(emu, { maxRetries: 1, retryDelayInMs: 5, maxRetryDelayInMs: 20 });
  const telemetry = new FakeTelemetry();
  const logger = new MemoryLogger();
  return {
    ...approvalDeps({ env: {}, logger, policy: policyOf(decide, "enforce"), telemetry, arm }),
    telemetry,
    logger,
  };
}

function connectionOf(id: string): { status?: string; provisioningState?: string } {
  const doc = emu.state.get(id) as
    | { properties?: { provisioningState?: string; privateLinkServiceConnectionState?: { status?: string } } }
    | undefined;
  return {
    status: doc?.properties?.privateLinkServiceConnectionState?.status,
    provisioningState: doc?.properties?.provisioningState,
  };
}

/** Operations on one resource (the registry spans the whole file). */
function operationsOn(id: string) {
  return emu.operations().filter((o) => o.resource.toLowerCase() === id.toLowerCase());
}

/** Counts requests matching (method, path regex) from now on, changing nothing. */
function count(method: string, path: string): () => number {
  const id = emu.faults.add({ method, path, latencyMs: 0 });
  return () => emu.faults.list().find((r) => r.rule.id === id)?.hits ?? 0;
}

const PAAS = allProfiles().filter((p) => p.type !== "Microsoft.Network/privateLinkServices");

describe(`each provider profile (${PAAS.length} PaaS types) through the real client`, () => {
  it.each(PAAS.map((p) => [p.type, p] as const))(
    "%s: the approval follows the provider's write contract to Approved",
    async (_type, profile: ProviderProfile) => {
      const parentId = parentIdOf(profile, "target01");
      const connectionId = `${parentId}/privateEndpointConnections/pending1`;
      seed([
        providerParent(profile, "target01", [
          ["pending1", "Pending"],
          ["approved1", "Approved"],
        ]),
      ]);
      const writes = count(profile.writeMethod, "/privateEndpointConnections/pending1$");
      const lists = count("GET", "/privateEndpointConnections$");
      const d = deps();

      const r = await reconcileTarget(parentId, d);

      expect(r.decisions.map((x) => [x.connectionId, x.action, x.written])).toEqual([
        [connectionId, "approve", true],
      ]);
      expect(writes()).toBe(1);
      expect(connectionOf(connectionId)).toEqual({
        status: "Approved",
        provisioningState: profile.doneState,
      });
      // Embedded-only providers have no list: the reader must never call it.
      if (profile.listing === "embedded-only") expect(lists()).toBe(0);
      else expect(lists()).toBeGreaterThanOrEqual(1);
      const ops = operationsOn(connectionId);
      if (profile.write.kind === "sync") {
        expect(ops).toEqual([]);
      } else {
        // The write was held in the provider's intermediate state and polled (twice) to its end; only then
        // was the decision recorded as written.
        expect(ops).toHaveLength(1);
        expect(ops[0]).toMatchObject({
          method: profile.writeMethod,
          heldState: profile.write.intermediate,
          status: "Succeeded",
        });
        expect(ops[0]?.polls).toBeGreaterThanOrEqual(2);
      }
    },
  );
});

describe("long-running writes that do not take", () => {
  const kv = profileFor("Microsoft.KeyVault/vaults") as ProviderProfile;
  const vaultId = parentIdOf(kv, "vault001");
  const connectionId = `${vaultId}/privateEndpointConnections/c1`;

  it("a Key Vault approval whose async operation fails is reported failed, then retried by the next pass", async () => {
    seed([providerParent(kv, "vault001", [["c1", "Pending"]])]);
    const before = operationsOn(connectionId).length;
    emu.operationFaults.add({ path: "/privateEndpointConnections/c1$", outcome: "Failed", times: 1 });
    const d = deps();

    const first: Awaited<ReturnType<typeof reconcileTarget>> | Error = await reconcileTarget(
      vaultId,
      d,
    ).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));

    // Never claimed written: the provider rolled the connection back to Pending and said Failed.
    const written = first instanceof Error ? [] : first.decisions.filter((x) => x.written);
    expect(written).toEqual([]);
    expect(connectionOf(connectionId)).toEqual({ status: "Pending", provisioningState: "Failed" });
    const failed = d.telemetry.named("LinkGate.DecisionFailed");
    expect(failed.map((e) => e.properties?.["connectionId"])).toEqual([connectionId]);
    expect(
      operationsOn(connectionId)
        .slice(before)
        .map((o) => o.status),
    ).toEqual(["Failed"]);

    // The sweep reconciles the same target again; this time the provider applies it.
    const second = await reconcileTarget(vaultId, deps());
    expect(second.decisions.map((x) => [x.connectionId, x.written])).toEqual([[connectionId, true]]);
    expect(connectionOf(connectionId)).toEqual({ status: "Approved", provisioningState: "Succeeded" });
  });

  it("a Sql rejection is held in Rejecting, not Approving, until its operation ends", async () => {
    const sql = profileFor("Microsoft.Sql/servers") as ProviderProfile;
    const serverId = parentIdOf(sql, "server01");
    seed([providerParent(sql, "server01", [["c1", "Pending"]])]);
    await reconcileTarget(
      serverId,
      deps(() => ({ action: "reject", ruleId: "deny", message: "no", reasons: [] })),
    );
    expect(operationsOn(`${serverId}/privateEndpointConnections/c1`).at(-1)).toMatchObject({
      heldState: "Rejecting",
      status: "Succeeded",
    });
    expect(connectionOf(`${serverId}/privateEndpointConnections/c1`)).toEqual({
      status: "Rejected",
      provisioningState: "Ready",
    });
  });
});

describe("reading connections where each provider exposes them", () => {
  it("Recovery Services connections (no list operation) are decided from the vault's embedded array", async () => {
    const rs = profileFor("Microsoft.RecoveryServices/vaults") as ProviderProfile;
    const vaultId = parentIdOf(rs, "rsvault01");
    seed([providerParent(rs, "rsvault01", [["c1", "Pending"]])]);
    const lists = count("GET", "/privateEndpointConnections$");
    const r = await reconcileTarget(vaultId, deps());
    expect(r.decisions.map((x) => [x.connectionId, x.written])).toEqual([
      [`${vaultId}/privateEndpointConnections/c1`, true],
    ]);
    expect(lists()).toBe(0);
    // Its operation status lives under the connection (PrivateEndpoint_GetOperationStatus).
    expect(operationsOn(`${vaultId}/privateEndpointConnections/c1`).at(-1)).toMatchObject({
      status: "Succeeded",
      heldState: "Pending",
    });
  });

  it("a list that answers 404 while the target exists is an error, never 'no connections'", async () => {
    const sb = profileFor("Microsoft.ServiceBus/namespaces") as ProviderProfile;
    const nsId = parentIdOf(sb, "sbspace01");
    seed([providerParent(sb, "sbspace01", [["c1", "Pending"]])]);
    emu.faults.add({ method: "GET", path: "/privateEndpointConnections$", status: 404, code: "NotFound" });
    await expect(reconcileTarget(nsId, deps())).rejects.toThrow(/answered 404 although the resource exists/);
    expect(connectionOf(`${nsId}/privateEndpointConnections/c1`).status).toBe("Pending");
  });

  it("a list that answers 404 because the target is gone is not an error", async () => {
    const sb = profileFor("Microsoft.ServiceBus/namespaces") as ProviderProfile;
    seed([providerParent(sb, "sbspace02", [])]);
    const r = await reconcileTarget(parentIdOf(sb, "sbspace-gone"), deps());
    expect(r.found).toBe(false);
  });
});

/**
 * Lost races and lost responses over the emulator with the real SDK clients:
 * - a human's approval landing between linkgate's read and its reject is never overwritten, both for a
 *   provider with connection etags (PLS: If-Match answers 412) and for one without (Relay: the re-read
 *   right before the PUT sees it);
 * - a write that landed but whose response was lost (the lossy proxy) is audited once, as confirmed;
 * - a connection dropped before it was served (the emulator's `drop` fault) is written once, audited once.
 */
import { approvalDeps } from "../../../src/adapters/compose";
import { createArmContext, StaticTokenCredential, type ArmContext } from "../../../src/adapters/arm/context";
import { InProcessTargetLock } from "../../../src/core/lock";
import type { Decision } from "../../../src/core/model";
import { reconcileTarget } from "../../../src/core/reconcile";
import { startEmulator, type RunningEmulator } from "../../../src/emulator";
import { emulatorArm } from "../emulator/helpers";
import { approveAll, FakeTelemetry, MemoryLogger, policyOf } from "../../unit/reconcile/fakes";
import { PLS_ID, RELAY_ID, connection, countPuts, paasDoc, plsDoc, subscriptions } from "./seed";
import { startLossyProxy, type LossyProxy } from "./support/lossyProxy";

const FAST = { maxRetries: 2, retryDelayInMs: 5, maxRetryDelayInMs: 20 };
const rejectAll = (): Decision => ({ action: "reject", ruleId: "deny", message: "no", reasons: ["deny"] });
const HUMAN = "approved by a human in the portal";

let emu: RunningEmulator;
let proxy: LossyProxy;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  proxy = await startLossyProxy(emu);
});

afterAll(async () => {
  await proxy?.close();
  await emu?.stop();
});

type Doc = Record<string, unknown>;

function seed(docs: Doc[]): void {
  emu.state.reset();
  emu.faults.clear();
  for (const s of subscriptions())
    emu.state.setSubscription(s as { subscriptionId: string; tenantId: string });
  for (const d of docs) emu.state.add(d);
}

/** A PLS whose connections carry etags, as Network's do (the spec's PrivateEndpointConnection.etag). */
function plsWithEtags(names: string[]): Doc {
  const doc = plsDoc([]);
  (doc["properties"] as Doc)["privateEndpointConnections"] = names.map((n, i) => ({
    ...connection(PLS_ID, "Microsoft.Network/privateLinkServices", n, "Pending"),
    etag: `W/"${n}-${i}"`,
  }));
  return doc;
}

function stateOf(id: string): { status?: string; description?: string } {
  const doc = emu.state.get(id) as { properties?: { privateLinkServiceConnectionState?: Doc } } | undefined;
  const s = doc?.properties?.privateLinkServiceConnectionState ?? {};
  return { status: s["status"] as string | undefined, description: s["description"] as string | undefined };
}

/** A human approves `id` in the portal: the emulator's state changes (and so does the etag). */
function humanApproves(id: string): void {
  const doc = emu.state.get(id) as Doc;
  const props = doc["properties"] as Doc;
  emu.state.write(id, {
    ...doc,
    properties: {
      ...props,
      privateLinkServiceConnectionState: { status: "Approved", description: HUMAN, actionsRequired: "None" },
    },
  });
}

/** Runs `act` as soon as the fault rule `ruleId` has matched a request (which it then holds for its latency). */
function whenMatched(ruleId: string, act: () => void): () => void {
  const timer = setInterval(() => {
    if ((emu.faults.list().find((r) => r.rule.id === ruleId)?.hits ?? 0) > 0) {
      clearInterval(timer);
      act();
    }
  }, 2);
  return () => clearInterval(timer);
}

function deps(decide: () => Decision, arm: ArmContext = emulatorArm(emu, FAST)) {
  const telemetry = new FakeTelemetry();
  const logger = new MemoryLogger();
  return {
    ...approvalDeps({
      env: {},
      logger,
      policy: policyOf(decide),
      telemetry,
      arm,
      lock: new InProcessTargetLock(),
    }),
    telemetry,
    logger,
  };
}

describe("a human's approval between linkgate's read and its reject is never overwritten", () => {
  it("PLS (connection etags): the PUT carries If-Match, answers 412, and the connection is left as the human set it", async () => {
    seed([plsWithEtags(["c1"])]);
    const id = `${PLS_ID}/privateEndpointConnections/c1`;
    // Every PUT of c1 is held 300 ms (and counted); the human acts while the first one is held.
    const rule = emu.faults.add({
      id: "hold-put",
      method: "PUT",
      path: "/privateEndpointConnections/c1$",
      latencyMs: 300,
    });
    const puts = () => emu.faults.list().find((r) => r.rule.id === rule)?.hits ?? 0;
    const stop = whenMatched(rule, () => humanApproves(id));
    const d = deps(rejectAll);
    const r = await reconcileTarget(PLS_ID, d);
    stop();
    expect(stateOf(id)).toEqual({ status: "Approved", description: HUMAN });
    expect(puts()).toBe(1);
    expect(r.decisions).toEqual([]);
    expect(r.restarts).toBe(1);
    expect(d.telemetry.named("LinkGate.Decision")).toEqual([]);
  });

  it("Relay (no etag anywhere in its spec): the re-read right before the PUT sees the approval, and nothing is written", async () => {
    seed([paasDoc("Microsoft.Relay/namespaces", "relay1", [["r1", "Pending"]])]);
    const id = `${RELAY_ID}/privateEndpointConnections/r1`;
    const puts = countPuts(emu);
    const rule = emu.faults.add({
      id: "hold-get",
      method: "GET",
      path: "/privateEndpointConnections/r1$",
      latencyMs: 300,
    });
    const stop = whenMatched(rule, () => humanApproves(id));
    const d = deps(rejectAll);
    const r = await reconcileTarget(RELAY_ID, d);
    stop();
    expect(stateOf(id)).toEqual({ status: "Approved", description: HUMAN });
    expect(puts()).toBe(0);
    expect(r.decisions).toEqual([]);
  });

  it("Relay without interference: rejected with one PUT after one re-read", async () => {
    seed([paasDoc("Microsoft.Relay/namespaces", "relay1", [["r1", "Pending"]])]);
    const id = `${RELAY_ID}/privateEndpointConnections/r1`;
    const puts = countPuts(emu);
    const d = deps(rejectAll);
    const r = await reconcileTarget(RELAY_ID, d);
    expect(stateOf(id).status).toBe("Rejected");
    expect(puts()).toBe(1);
    expect(r.decisions.map((x) => [x.action, x.outcome])).toEqual([["reject", "written"]]);
  });
});

describe("a write whose response was lost is audited exactly once", () => {
  function viaProxy(): ArmContext {
    return createArmContext({
      endpoint: proxy.url,
      extraCaPem: proxy.caPem,
      credential: new StaticTokenCredential(),
      emulator: true,
      retryOptions: FAST,
    });
  }

  it("PLS: the write landed, the response was lost; the SDK's retry or our check finds it and confirms", async () => {
    seed([plsWithEtags(["c1"])]);
    const id = `${PLS_ID}/privateEndpointConnections/c1`;
    proxy.loseNext(1, "PUT", /\/privateEndpointConnections\/c1$/i);
    const d = deps(approveAll, viaProxy());
    const r = await reconcileTarget(PLS_ID, d);
    expect(proxy.lost()).toBeGreaterThanOrEqual(1);
    expect(stateOf(id).status).toBe("Approved");
    expect(r.decisions.map((x) => [x.action, x.outcome, x.written])).toEqual([
      ["approve", "confirmed", false],
    ]);
    const events = d.telemetry.named("LinkGate.Decision");
    expect(events.map((e) => [e.properties["outcome"], e.properties["written"]])).toEqual([
      ["confirmed", "false"],
    ]);
    // Event Grid redelivers (or our own write event arrives): nothing more is written or emitted.
    const again = await reconcileTarget(PLS_ID, d);
    expect(again.decisions).toEqual([]);
    expect(d.telemetry.named("LinkGate.Decision")).toHaveLength(1);
  });

  it("the emulator's drop fault (socket dropped before the write is served): written once, audited once", async () => {
    seed([plsWithEtags(["c1"])]);
    const id = `${PLS_ID}/privateEndpointConnections/c1`;
    emu.faults.add({ method: "PUT", path: "/privateEndpointConnections/c1$", drop: true, times: 1 });
    const puts = countPuts(emu);
    const d = deps(approveAll);
    // Either the SDK retries the PUT, or the error is transient and Event Grid redelivers: at most twice.
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await reconcileTarget(PLS_ID, d);
        break;
      } catch (e) {
        expect((e as { transient?: boolean }).transient).toBe(true);
      }
    }
    expect(stateOf(id).status).toBe("Approved");
    expect(puts()).toBe(1);
    const events = d.telemetry.named("LinkGate.Decision");
    expect(events.map((e) => [e.properties["action"], e.properties["outcome"]])).toEqual([
      ["approve", "written"],
    ]);
  });
});

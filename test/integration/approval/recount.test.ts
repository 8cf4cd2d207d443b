/**
 * Through the real client, the emulator and the composed policy runtime: an approval is recounted from a list
 * of the target's connections right before its write only when a count can change its outcome (a limit, a
 * managedBy condition, a Relay namespace); otherwise the PUT carries the observation's etag as If-Match, and a
 * connection changed meanwhile fails it and is decided again from a fresh list.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { approvalDeps, loadPolicyRuntime } from "../../../src/adapters/compose";
import { reconcileTarget } from "../../../src/core/reconcile";
import { startEmulator, type RunningEmulator, type ServedExchange } from "../../../src/emulator";
import { buildEstate } from "../../../scripts/bench/estate";
import { emulatorArm, FAST_RETRY } from "../emulator/helpers";
import { FakeTelemetry, MemoryLogger } from "../../unit/reconcile/fakes";

const estate = buildEstate({ connections: 100 });
const PLS_PENDING = estate.approvable.find((id) => /privateLinkServices/i.test(id)) as string;
const RELAY_PENDING = estate.approvable.find((id) => /Microsoft\.Relay/i.test(id)) as string;
const parentOf = (connectionId: string) => connectionId.replace(/\/privateEndpointConnections\/[^/]+$/i, "");

describe("recount before an approving write: only where a count can change the outcome", () => {
  let emu: RunningEmulator;
  const served: ServedExchange[] = [];
  let onServed: ((e: ServedExchange) => void) | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "linkgate-recount-"));

  beforeEach(async () => {
    served.length = 0;
    onServed = undefined;
    emu = await startEmulator({
      seed: estate.seed,
      lroRetryAfterSeconds: 0,
      onExchange: (e) => {
        served.push(e);
        onServed?.(e);
      },
    });
  }, 60_000);
  afterEach(() => emu.stop());
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function reconcileWith(policyText: string, connectionId: string) {
    const file = path.join(dir, "policy.yaml");
    fs.writeFileSync(file, policyText);
    const logger = new MemoryLogger();
    const loaded = await loadPolicyRuntime(file, logger);
    expect(loaded.errors).toEqual([]);
    const deps = approvalDeps({
      env: {},
      logger,
      policy: loaded.runtime,
      telemetry: new FakeTelemetry(),
      arm: emulatorArm(emu, FAST_RETRY),
    });
    return reconcileTarget(parentOf(connectionId), deps, { expectConnections: [connectionId] });
  }
  const lists = () =>
    served.filter((e) => e.method === "GET" && /\/privateEndpointConnections$/i.test(e.path)).length;
  const puts = () => served.filter((e) => e.method === "PUT").map((e) => e.status);
  const statusOf = (id: string) =>
    (
      emu.state.get(id) as
        { properties?: { privateLinkServiceConnectionState?: { status?: string } } } | undefined
    )?.properties?.privateLinkServiceConnectionState?.status;
  const withLimit = estate.policy.replace(
    "    action: approve\n",
    "    action: approve\n    limits: { maxApprovedPerTarget: 100 }\n",
  );

  it.each([
    ["PLS, policy without counts: no recount list", PLS_PENDING, () => estate.policy, 0],
    ["PLS, policy with a limit: recounted", PLS_PENDING, () => withLimit, 1],
    ["Relay, policy without counts: recounted for Relay's 64", RELAY_PENDING, () => estate.policy, 1],
  ])("%s", async (_name, connectionId, policy, expectedLists) => {
    const r = await reconcileWith(policy(), connectionId);
    const mine = r.decisions.find((d) => d.connectionId.toLowerCase() === connectionId.toLowerCase());
    expect(mine).toMatchObject({ action: "approve", written: true });
    expect(statusOf(connectionId)).toBe("Approved");
    expect(lists()).toBe(expectedLists);
  });

  it("PLS without a recount: a message edited after our read fails the If-Match, a fresh list decides again", async () => {
    const target = parentOf(PLS_PENDING);
    let edited = false;
    onServed = (e) => {
      // Right after our observation (the PLS GET), a requester edits the request: a new etag.
      if (edited || e.method !== "GET" || e.path.toLowerCase() !== target.toLowerCase()) return;
      edited = true;
      const doc = structuredClone(emu.state.get(PLS_PENDING)) as {
        properties: { privateLinkServiceConnectionState: { description: string } };
      };
      doc.properties.privateLinkServiceConnectionState.description = "edited after linkgate read it";
      emu.state.write(PLS_PENDING, doc as unknown as Record<string, unknown>);
    };
    const r = await reconcileWith(estate.policy, PLS_PENDING);
    expect(edited).toBe(true);
    expect(puts()).toEqual([412, 200]);
    expect(r.restarts).toBe(1);
    expect(lists()).toBe(1);
    expect(statusOf(PLS_PENDING)).toBe("Approved");
  });
});

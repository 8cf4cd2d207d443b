/**
 * Drives every private endpoint connection operation of the providers whose specs are in the reference trees
 * (Network PLS at 2024-07-01 and 2026-01-01, Relay, Service Bus, Event Hubs, Sql, Cosmos DB, Key Vault) at
 * the versions those specs have, through the generic client, so that `npm run conformance` has their
 * traffic to validate: get, list (where the spec has one), approve, reject, re-read, delete. Each step also
 * asserts what the emulator answered, so the traffic is not just recorded but checked.
 */
import { connectionStateBody } from "../../../src/adapters/arm/connectionShapes";
import type { ArmContext } from "../../../src/adapters/arm/context";
import { startEmulator, type RunningEmulator } from "../../../src/emulator";
import { profileFor } from "../../../src/emulator/providers/catalog";
import type { ProviderProfile } from "../../../src/emulator/providers/profile";
import { parentIdOf, providerParent } from "../approval/providerSeed";
import { emulatorArm, FAST_RETRY, RECORD_DIR } from "./helpers";

let emu: RunningEmulator;
let arm: ArmContext;

beforeAll(async () => {
  emu = await startEmulator({ recordDir: RECORD_DIR, lroRetryAfterSeconds: 0 });
  arm = emulatorArm(emu, FAST_RETRY);
});
afterAll(async () => emu?.stop());

const CASES: [string, string][] = [
  ["Microsoft.Network/privateLinkServices", "2024-07-01"],
  ["Microsoft.Network/privateLinkServices", "2026-01-01"],
  ["Microsoft.Relay/namespaces", "2021-11-01"],
  ["Microsoft.ServiceBus/namespaces", "2021-11-01"],
  ["Microsoft.EventHub/namespaces", "2021-11-01"],
  ["Microsoft.Sql/servers", "2021-11-01"],
  ["Microsoft.DocumentDB/databaseAccounts", "2023-04-15"],
  ["Microsoft.KeyVault/vaults", "2019-09-01"],
];

function stateOf(body: Record<string, unknown> | undefined): { status?: string; provisioningState?: string } {
  const props = body?.["properties"] as
    { provisioningState?: string; privateLinkServiceConnectionState?: { status?: string } } | undefined;
  return {
    status: props?.privateLinkServiceConnectionState?.status,
    provisioningState: props?.provisioningState,
  };
}

describe("connection operations of the reference-spec providers, at the specs' versions", () => {
  it.each(CASES)("%s at %s", async (type, version) => {
    const profile = profileFor(type) as ProviderProfile;
    emu.state.reset();
    emu.state.add(
      providerParent(profile, "target01", [
        ["c-approve", "Pending"],
        ["c-reject", "Pending"],
        ["c-delete", "Approved"],
      ]),
    );
    const parent = parentIdOf(profile, "target01");
    const conn = (n: string): string => `${parent}/privateEndpointConnections/${n}`;
    const g = arm.generic;

    expect((await g.get(parent, version))?.["id"]).toBe(parent);
    if (profile.listing === "pageable") {
      const listed: string[] = [];
      for await (const c of g.list(`${parent}/privateEndpointConnections`, version))
        listed.push(String(c["name"] ?? c["id"]));
      expect(listed).toHaveLength(3);
    }
    expect(stateOf(await g.get(conn("c-approve"), version)).status).toBe("Pending");

    await g.put(conn("c-approve"), version, connectionStateBody(type, "Approved", "CHG0000001 approved"));
    await g.put(conn("c-reject"), version, connectionStateBody(type, "Rejected", "not allowed"));
    expect(stateOf(await g.get(conn("c-approve"), version))).toEqual({
      status: "Approved",
      provisioningState: profile.doneState,
    });
    expect(stateOf(await g.get(conn("c-reject"), version))).toEqual({
      status: "Rejected",
      provisioningState: profile.doneState,
    });

    await g.delete(conn("c-delete"), version);
    expect(emu.state.get(conn("c-delete"))).toBeUndefined();
  });
});

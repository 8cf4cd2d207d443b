/**
 * The sweep's inventory carries the estate's managed private endpoint definitions (Inventory.managedDefinitions)
 * read by the ARM reader over the emulator; when an owner cannot be read it carries none and says why.
 */
import { startEmulator, type RunningEmulator } from "../../../src/emulator";
import { emptyInventory } from "../../../src/core/inventory";
import type { ArmContext } from "../../../src/adapters/arm/context";
import { ManagedDefinitionsCollector } from "../../../src/adapters/managed/collector";
import { ArmManagedDefinitionReader } from "../../../src/adapters/managed/reader";
import { emulatorArm } from "../emulator/helpers";
import {
  managedEstate,
  OTHER_PROFILE_ID,
  PLS_ID,
  putFactorySqlEndpoint,
  putOrigin,
  SQL_ID,
  SUB,
} from "./estate";

let emu: RunningEmulator;
let arm: ArmContext;

beforeAll(async () => {
  emu = await startEmulator({ seed: managedEstate() });
  arm = emulatorArm(emu, { maxRetries: 0 });
  await putOrigin(arm, "afd web");
  await putOrigin(arm, "x", `${OTHER_PROFILE_ID}/originGroups/og/origins/o-x`);
  await putFactorySqlEndpoint(arm);
});
afterAll(async () => emu?.stop());
afterEach(() => emu.faults.clear());

const ALL = { frontDoor: ["**"], dataFactory: ["**"], synapse: ["**"], search: ["**"] };
const inner = { collect: async () => emptyInventory("2026-12-01T00:00:00Z", 60) };
const options = { now: new Date("2026-12-01T00:00:00Z"), windowMinutes: 60 };

describe("ManagedDefinitionsCollector", () => {
  test("adds every definition of the swept subscriptions to the inventory", async () => {
    const c = new ManagedDefinitionsCollector(
      inner,
      new ArmManagedDefinitionReader(arm, { subscriptions: [SUB] }),
      ALL,
    );
    const inv = await c.collect({ subscriptions: [SUB] }, options);
    expect(inv.collectionErrors).toEqual([]);
    expect(
      (inv.managedDefinitions ?? []).map((d) => [d.service, d.id.split("/").at(-1), d.targetId]).sort(),
    ).toEqual([
      ["dataFactory", "mpe-sql", SQL_ID],
      ["frontDoor", "o-web", PLS_ID],
    ]);
  });

  test("an owner that cannot be read leaves the inventory without definitions and says so", async () => {
    emu.faults.add({
      method: "GET",
      path: "/managedVirtualNetworks$",
      status: 403,
      code: "AuthorizationFailed",
    });
    const c = new ManagedDefinitionsCollector(
      inner,
      new ArmManagedDefinitionReader(arm, { subscriptions: [SUB] }),
      ALL,
    );
    const inv = await c.collect({ subscriptions: [SUB] }, options);
    expect(inv.managedDefinitions).toBeUndefined();
    expect(inv.collectionErrors).toEqual([
      expect.objectContaining({ kind: "resource", message: expect.stringMatching(/403/) as unknown }),
    ]);
  });

  test("only the policy's owners are read; a policy without managedBy reads nothing", async () => {
    const reader = new ArmManagedDefinitionReader(arm, { subscriptions: [SUB] });
    const fd = await new ManagedDefinitionsCollector(inner, reader, { frontDoor: ["**"] }).collect(
      { subscriptions: [SUB] },
      options,
    );
    expect((fd.managedDefinitions ?? []).map((d) => d.service)).toEqual(["frontDoor"]);
    const none = await new ManagedDefinitionsCollector(inner, reader, undefined).collect(
      { subscriptions: [SUB] },
      options,
    );
    expect(none.managedDefinitions).toBeUndefined();
    expect(none.collectionErrors).toEqual([]);
  });

  test("a scope that failed already: no definitions read, no second error", async () => {
    const failed = {
      collect: async () => ({
        ...emptyInventory("2026-12-01T00:00:00Z", 60),
        collectionErrors: [{ scope: `/subscriptions/${SUB}`, message: "503", kind: "scope" as const }],
      }),
    };
    let reads = 0;
    const c = new ManagedDefinitionsCollector(
      failed,
      {
        listEstate: async () => {
          reads += 1;
          return [];
        },
      },
      ALL,
    );
    const inv = await c.collect({ subscriptions: [SUB] }, options);
    expect(reads).toBe(0);
    expect(inv.managedDefinitions).toBeUndefined();
    expect(inv.collectionErrors).toHaveLength(1);
  });
});

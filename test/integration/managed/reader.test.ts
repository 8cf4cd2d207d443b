/**
 * ArmManagedDefinitionReader over the emulator with the repo's real ARM client: owners found by one Resource
 * Graph query in the watched subscriptions, filtered by globs, definitions read per owner (Synapse on its
 * data plane), bounds, and an unreadable owner failing the call.
 */
import { ArmError } from "../../../src/core/errors";
import { startEmulator, type RunningEmulator } from "../../../src/emulator";
import type { ArmContext } from "../../../src/adapters/arm/context";
import { ArmManagedDefinitionReader } from "../../../src/adapters/managed/reader";
import type { ExchangeCounter } from "./support";
import { countExchanges } from "./support";
import { emulatorArm } from "../emulator/helpers";
import {
  FACTORY_ID,
  managedEstate,
  ORIGIN_GROUP_ID,
  OTHER_PROFILE_ID,
  PLS_ID,
  PROFILE_ID,
  putFactorySqlEndpoint,
  putOrigin,
  putSearchBlobLink,
  SEARCH_ID,
  SQL_ID,
  STORAGE_ID,
  SUB,
  SYNAPSE_DATA_PLANE_VERSION,
  WORKSPACE_ID,
} from "./estate";

let emu: RunningEmulator;
let arm: ArmContext;
let counter: ExchangeCounter;

const FD_GLOBS = {
  frontDoor: ["/subscriptions/*/resourceGroups/rg-edge/providers/Microsoft.Cdn/profiles/*"],
};

beforeAll(async () => {
  counter = countExchanges();
  emu = await startEmulator({ seed: managedEstate(), onExchange: counter.onExchange });
  arm = emulatorArm(emu, { maxRetries: 0 });
  await putOrigin(arm, "afd web");
  await putOrigin(arm, "afd web", `${OTHER_PROFILE_ID}/originGroups/og/origins/o-x`);
  await putFactorySqlEndpoint(arm);
  await putSearchBlobLink(arm);
  await arm.generic.put(
    "/synapse-dev/syn-lake/managedVirtualNetworks/default/managedPrivateEndpoints/mpe-dfs",
    SYNAPSE_DATA_PLANE_VERSION,
    { properties: { privateLinkResourceId: STORAGE_ID, groupId: "dfs" } },
  );
});
afterAll(async () => emu?.stop());

afterEach(() => emu.faults.clear());

describe("ArmManagedDefinitionReader", () => {
  test("reads Front Door origins under matching profiles in the watched subscriptions only", async () => {
    const reader = new ArmManagedDefinitionReader(arm, { subscriptions: [SUB] });
    counter.reset();
    const defs = await reader.listForTarget(PLS_ID, FD_GLOBS);
    expect(defs).toEqual([
      {
        service: "frontDoor",
        id: `${ORIGIN_GROUP_ID}/origins/o-web`,
        ownerId: PROFILE_ID,
        targetId: PLS_ID,
        groupId: undefined,
        location: "westeurope",
        requestMessage: "afd web",
        status: "Pending",
      },
    ]);
    // One Resource Graph query, then the profile's origin groups and each group's origins.
    expect(counter.kinds()).toEqual({ "POST resourcegraph": 1, "GET originGroups": 1, "GET origins": 1 });
  });

  test("every readable subscription when none is watched; globs still filter owners", async () => {
    const all = new ArmManagedDefinitionReader(arm, { subscriptions: [] });
    expect((await all.listForTarget(PLS_ID, FD_GLOBS)).map((d) => d.ownerId).sort()).toEqual(
      [OTHER_PROFILE_ID, PROFILE_ID].sort(),
    );
    const none = await all.listForTarget(PLS_ID, {
      frontDoor: ["/subscriptions/*/resourceGroups/*/providers/Microsoft.Cdn/profiles/afd-nope"],
    });
    expect(none).toEqual([]);
    expect(await all.listForTarget(PLS_ID, {})).toEqual([]);
  });

  test("Data Factory, AI Search and Synapse definitions, each with what its service records", async () => {
    const reader = new ArmManagedDefinitionReader(arm, { subscriptions: [SUB] });
    const adf = await reader.listForTarget(SQL_ID, { dataFactory: ["**"] });
    expect(adf).toEqual([
      expect.objectContaining({
        service: "dataFactory",
        ownerId: FACTORY_ID,
        groupId: "sqlServer",
        status: "Pending",
      }),
    ]);
    expect(adf[0]!.requestMessage).toBeUndefined();
    expect(adf[0]!.endpointNameHint).toBeUndefined();
    const onStorage = await reader.listForTarget(STORAGE_ID, { search: ["**"], synapse: ["**"] });
    expect(
      onStorage.map((d) => [d.service, d.ownerId, d.groupId, d.requestMessage, d.endpointNameHint]),
    ).toEqual(
      expect.arrayContaining([
        ["search", SEARCH_ID, "blob", "search indexer", undefined],
        ["synapse", WORKSPACE_ID, "dfs", undefined, undefined],
      ]),
    );
    expect(onStorage).toHaveLength(2);
  });

  test("getDefinition reads one definition by ID (Synapse through its data plane); undefined when gone", async () => {
    const reader = new ArmManagedDefinitionReader(arm, { subscriptions: [SUB] });
    const fd = await reader.getDefinition(`${ORIGIN_GROUP_ID}/origins/o-web`);
    expect(fd).toEqual(
      expect.objectContaining({ service: "frontDoor", targetId: PLS_ID, requestMessage: "afd web" }),
    );
    const syn = await reader.getDefinition(
      `${WORKSPACE_ID}/managedVirtualNetworks/default/managedPrivateEndpoints/mpe-dfs`,
    );
    expect(syn).toEqual(
      expect.objectContaining({ service: "synapse", targetId: STORAGE_ID, groupId: "dfs" }),
    );
    expect(await reader.getDefinition(`${ORIGIN_GROUP_ID}/origins/gone`)).toBeUndefined();
    await expect(reader.getDefinition(PLS_ID)).rejects.toThrow(/not a managed private endpoint definition/);
  });

  test("a matching owner that cannot be read fails the call (never 'no definition')", async () => {
    const reader = new ArmManagedDefinitionReader(arm, { subscriptions: [SUB] });
    emu.faults.add({ method: "GET", path: "/originGroups$", status: 403, code: "AuthorizationFailed" });
    const err = await reader.listForTarget(PLS_ID, FD_GLOBS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArmError);
    expect((err as ArmError).statusCode).toBe(403);
  });

  test("more matching owners or definitions than the bounds is an error naming the bound", async () => {
    const owners = new ArmManagedDefinitionReader(arm, { subscriptions: [], maxOwners: 1 });
    await expect(owners.listForTarget(PLS_ID, FD_GLOBS)).rejects.toThrow(
      /more than 1 owners matching requester.managedBy/,
    );
    const defs = new ArmManagedDefinitionReader(arm, { subscriptions: [SUB], maxDefinitions: 0 });
    const err = await defs.listForTarget(PLS_ID, FD_GLOBS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArmError);
    expect((err as ArmError).transient).toBe(false);
    expect((err as ArmError).message).toMatch(/more than 0 definitions/);
  });
});

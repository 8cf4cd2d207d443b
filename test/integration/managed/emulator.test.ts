/**
 * The emulator's managed private endpoint definitions (issue 13) through the repo's generic ARM client:
 * creating a definition makes the Pending connection Azure makes on the target (endpoint in a
 * Microsoft-managed subscription, request message as description, group id, PLS location), shapes and
 * api-versions are checked, and seeds and look-alikes work.
 */
import { ArmError } from "../../../src/core/errors";
import { startEmulator, type RunningEmulator } from "../../../src/emulator";
import type { ArmContext } from "../../../src/adapters/arm/context";
import { apiVersionFor } from "../../../src/adapters/arm/apiVersions";
import { emulatorArm } from "../emulator/helpers";
import {
  DATA_FACTORY_VERSION,
  FACTORY_VNET_ID,
  FRONT_DOOR_VERSION,
  managedEstate,
  ORIGIN_GROUP_ID,
  originBody,
  PLS_ID,
  SEARCH_ID,
  SEARCH_VERSION,
  SQL_ID,
  STORAGE_ID,
  SUB,
  SYNAPSE_DATA_PLANE_VERSION,
  WORKSPACE_ID,
} from "./estate";

let emu: RunningEmulator;
let arm: ArmContext;

beforeAll(async () => {
  emu = await startEmulator({ seed: managedEstate() });
  arm = emulatorArm(emu, { maxRetries: 0 });
});
afterAll(async () => emu?.stop());

type Conn = { id: string; properties: Record<string, unknown> };

async function connections(targetId: string): Promise<Conn[]> {
  const version = apiVersionFor(targetId.split("/providers/")[1]!.split("/").slice(0, 2).join("/"));
  const out: Conn[] = [];
  for await (const c of arm.generic.list(`${targetId}/privateEndpointConnections`, version))
    out.push(c as Conn);
  return out;
}

function state(c: Conn): Record<string, unknown> {
  return c.properties["privateLinkServiceConnectionState"] as Record<string, unknown>;
}

function endpoint(c: Conn): string {
  return (c.properties["privateEndpoint"] as { id: string }).id;
}

describe("emulator: managed private endpoint definitions", () => {
  test("a Front Door origin to a PLS makes a Pending connection from a Microsoft-managed subscription", async () => {
    const id = `${ORIGIN_GROUP_ID}/origins/o-pls`;
    const put = await arm.generic.put(id, FRONT_DOOR_VERSION, originBody(PLS_ID, "afd web origin"));
    expect(put["type"]).toBe("Microsoft.Cdn/profiles/originGroups/origins");
    const conns = await connections(PLS_ID);
    expect(conns).toHaveLength(1);
    const c = conns[0]!;
    expect(state(c)["status"]).toBe("Pending");
    expect(state(c)["description"]).toBe("afd web origin");
    expect(c.properties["privateEndpointLocation"]).toBe("westeurope");
    expect(endpoint(c).toLowerCase()).toMatch(
      /^\/subscriptions\/[0-9a-f-]+\/resourcegroups\/.+\/privateendpoints\//,
    );
    expect(endpoint(c)).not.toContain(SUB);
    const got = await arm.generic.get(id, FRONT_DOOR_VERSION);
    const spl = (got?.["properties"] as Record<string, Record<string, unknown>>)[
      "sharedPrivateLinkResource"
    ]!;
    expect(spl["status"]).toBe("Pending");
    const listed: unknown[] = [];
    for await (const o of arm.generic.list(`${ORIGIN_GROUP_ID}/origins`, FRONT_DOOR_VERSION)) listed.push(o);
    expect(listed).toHaveLength(1);
  });

  test("two origins of one profile asking for the same resource, group and region share one endpoint", async () => {
    await arm.generic.put(
      `${ORIGIN_GROUP_ID}/origins/o-st1`,
      FRONT_DOOR_VERSION,
      originBody(STORAGE_ID, "afd st", "blob"),
    );
    await arm.generic.put(
      `${ORIGIN_GROUP_ID}/origins/o-st2`,
      FRONT_DOOR_VERSION,
      originBody(STORAGE_ID, "afd st", "blob"),
    );
    const conns = await connections(STORAGE_ID);
    expect(conns).toHaveLength(1);
    // Storage's connections carry no group ids (they are its private link resources'): none is made up.
    expect(conns[0]!.properties["groupIds"]).toBeUndefined();
    // Deleting one keeps the shared connection; deleting both removes it.
    await arm.generic.delete(`${ORIGIN_GROUP_ID}/origins/o-st1`, FRONT_DOOR_VERSION);
    expect(await connections(STORAGE_ID)).toHaveLength(1);
    await arm.generic.delete(`${ORIGIN_GROUP_ID}/origins/o-st2`, FRONT_DOOR_VERSION);
    expect(await connections(STORAGE_ID)).toHaveLength(0);
  });

  test("a Data Factory managed private endpoint is named <factory>.<endpoint> and carries no message", async () => {
    const id = `${FACTORY_VNET_ID}/managedPrivateEndpoints/mpe-sql`;
    await arm.generic.put(id, DATA_FACTORY_VERSION, {
      properties: { privateLinkResourceId: SQL_ID, groupId: "sqlServer", fqdns: [] },
    });
    const conns = await connections(SQL_ID);
    expect(conns).toHaveLength(1);
    expect(endpoint(conns[0]!)).toMatch(/\/privateEndpoints\/adf-etl\.mpe-sql$/);
    expect(state(conns[0]!)["description"]).toBe("");
    const got = await arm.generic.get(id, DATA_FACTORY_VERSION);
    expect(
      (got?.["properties"] as Record<string, Record<string, unknown>>)["connectionState"]!["status"],
    ).toBe("Pending");
  });

  test("an AI Search shared private link carries its request message and group id", async () => {
    const id = `${SEARCH_ID}/sharedPrivateLinkResources/spl-blob`;
    await arm.generic.put(id, SEARCH_VERSION, {
      properties: { privateLinkResourceId: STORAGE_ID, groupId: "blob", requestMessage: "search indexer" },
    });
    const conns = (await connections(STORAGE_ID)).filter((c) => state(c)["description"] === "search indexer");
    expect(conns).toHaveLength(1);
    const got = await arm.generic.get(id, SEARCH_VERSION);
    expect((got?.["properties"] as Record<string, unknown>)["status"]).toBe("Pending");
  });

  test("Synapse managed private endpoints are served on the emulated data plane, not on ARM", async () => {
    const path = `/synapse-dev/syn-lake/managedVirtualNetworks/default/managedPrivateEndpoints/mpe-st`;
    await arm.generic.put(path, SYNAPSE_DATA_PLANE_VERSION, {
      properties: { privateLinkResourceId: STORAGE_ID, groupId: "dfs" },
    });
    const conns = (await connections(STORAGE_ID)).filter((c) => endpoint(c).endsWith("/syn-lake.mpe-st"));
    expect(conns).toHaveLength(1);
    await expect(
      arm.generic.get(
        `${WORKSPACE_ID}/managedVirtualNetworks/default/managedPrivateEndpoints/mpe-st`,
        "2021-06-01",
      ),
    ).rejects.toThrow(/data plane/);
  });

  test("unknown properties, missing fields and unknown api-versions are refused", async () => {
    const id = `${SEARCH_ID}/sharedPrivateLinkResources/bad`;
    await expect(
      arm.generic.put(id, SEARCH_VERSION, {
        properties: { privateLinkResourceId: STORAGE_ID, groupId: "blob", colour: "red" },
      }),
    ).rejects.toThrow(/'colour' are not in the published shape/);
    await expect(arm.generic.put(id, SEARCH_VERSION, { properties: { groupId: "blob" } })).rejects.toThrow(
      /privateLinkResourceId is required/,
    );
    const err = await arm.generic
      .get(`${ORIGIN_GROUP_ID}/origins/o-pls`, "2019-01-01")
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArmError);
    expect((err as ArmError).code).toBe("InvalidApiVersionParameter");
  });

  test("a look-alike connection has the managed shape but no definition", () => {
    const id = emu.managed.createLookalike({
      targetId: PLS_ID,
      requestMessage: "afd web origin",
      location: "westeurope",
    });
    const doc = emu.state.get(id) as Conn;
    expect(state(doc)["description"]).toBe("afd web origin");
    expect(endpoint(doc)).not.toContain(SUB);
  });
});

describe("emulator: seeded definitions", () => {
  test("a seeded definition gets its connection whatever the seed order", async () => {
    const origin = {
      id: `${ORIGIN_GROUP_ID}/origins/o-seeded`,
      name: "o-seeded",
      type: "Microsoft.Cdn/profiles/originGroups/origins",
      ...originBody(PLS_ID, "seeded origin"),
    };
    // The definition comes before its target and owner in the seed.
    const seeded = await startEmulator({ seed: [origin, ...managedEstate()] });
    try {
      const conns = seeded.state.listCollection(`${PLS_ID}/privateEndpointConnections`);
      expect(conns).toHaveLength(1);
      expect(JSON.stringify(conns[0])).toContain("seeded origin");
    } finally {
      await seeded.stop();
    }
  });
});

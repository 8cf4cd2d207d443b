/**
 * The reader sweep reconcile decides with (core/managed inventoryDefinitionReader): the inventory's
 * definitions filtered by target and owners as a live reader filters them, indexed once per sweep.
 */
import { inventoryDefinitionReader, NO_INVENTORY_DEFINITIONS_REASON } from "../../../src/core/managed/read";
import type { ManagedEndpointDefinition } from "../../../src/ports";

const SUB = "11111111-1111-4111-8111-111111111111";
const PLS = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/pls1`;
const OTHER = `${PLS.slice(0, -1)}2`;
const PROFILE = `/subscriptions/${SUB}/resourceGroups/rg-edge/providers/Microsoft.Cdn/profiles/afd`;
const FACTORY = `/subscriptions/${SUB}/resourceGroups/rg-data/providers/Microsoft.DataFactory/factories/adf`;

const def = (
  name: string,
  targetId: string,
  service: ManagedEndpointDefinition["service"] = "frontDoor",
): ManagedEndpointDefinition => ({
  service,
  id: `${service === "frontDoor" ? PROFILE : FACTORY}/x/${name}`,
  ownerId: service === "frontDoor" ? PROFILE : FACTORY,
  targetId,
});

const DEFS = [
  def("a", PLS),
  def("b", OTHER),
  def("c", `${PLS.toUpperCase()}/`),
  def("d", PLS, "dataFactory"),
  { ...def("a", OTHER), targetId: OTHER }, // a second definition with a's ID: the first wins
];

describe("inventoryDefinitionReader", () => {
  it.each<[string, string, Record<string, string[]>, string[]]>([
    ["the target's, any case or trailing slash, in inventory order", PLS, { frontDoor: ["**"] }, ["a", "c"]],
    ["only under the owners asked for", PLS, { dataFactory: [FACTORY] }, ["d"]],
    ["another target's", OTHER.toUpperCase(), { frontDoor: ["**"] }, ["b", "a"]],
    ["a target no definition names", `${PLS.slice(0, -1)}9`, { frontDoor: ["**"] }, []],
  ])("listForTarget: %s", async (_n, target, owners, names) => {
    const reader = inventoryDefinitionReader(DEFS);
    // Asked twice: the index built by the first answer serves the second alike.
    for (let i = 0; i < 2; i++)
      expect((await reader.listForTarget(target, owners)).map((d) => d.id.split("/").pop())).toEqual(names);
  });

  it("getDefinition: by ID in any case, the first of equal IDs; undefined when absent", async () => {
    const reader = inventoryDefinitionReader(DEFS);
    expect((await reader.getDefinition(DEFS[0]!.id.toUpperCase()))?.targetId).toBe(PLS);
    expect(await reader.getDefinition(`${PROFILE}/x/zzz`)).toBeUndefined();
  });

  it("no definitions collected: listing is unknown (throws why), a single one is not found", async () => {
    const reader = inventoryDefinitionReader(undefined);
    await expect(reader.listForTarget(PLS, { frontDoor: ["**"] })).rejects.toThrow(
      NO_INVENTORY_DEFINITIONS_REASON,
    );
    expect(await reader.getDefinition(DEFS[0]!.id)).toBeUndefined();
  });
});

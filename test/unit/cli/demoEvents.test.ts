/**
 * The demo's write events have the shape of ARM's Microsoft.Resources.ResourceWriteSuccess events (Event Grid
 * schema): the operation and the provider are those of the written resource's own type.
 */
import { demoWriteEvent, DEMO_NOW } from "../../../src/cli/commands/demo";

const SUB = "aaaaaaaa-0000-4000-8000-000000000001";
const RG = `/subscriptions/${SUB}/resourceGroups/rg-demo/providers`;

describe("demoWriteEvent", () => {
  it.each([
    [
      "a key vault's connection",
      `${RG}/Microsoft.KeyVault/vaults/kv-demo/privateEndpointConnections/afd-lookalike.1`,
      "Microsoft.KeyVault",
      "Microsoft.KeyVault/vaults/privateEndpointConnections/write",
    ],
    [
      "a storage account's connection",
      `${RG}/Microsoft.Storage/storageAccounts/stdemo/privateEndpointConnections/afd-lookalike-2.2`,
      "Microsoft.Storage",
      "Microsoft.Storage/storageAccounts/privateEndpointConnections/write",
    ],
    [
      "a private link service's connection",
      `${RG}/Microsoft.Network/privateLinkServices/pls-good/privateEndpointConnections/pe-new.conn`,
      "Microsoft.Network",
      "Microsoft.Network/privateLinkServices/privateEndpointConnections/write",
    ],
    [
      "a Front Door origin",
      `${RG}/Microsoft.Cdn/profiles/afd-demo/originGroups/og-static/origins/o-blob`,
      "Microsoft.Cdn",
      "Microsoft.Cdn/profiles/originGroups/origins/write",
    ],
  ])("%s", (_n, id, provider, operationName) => {
    expect(demoWriteEvent("demo-event-1", id)).toEqual({
      id: "demo-event-1",
      topic: `/subscriptions/${SUB}`,
      subject: id,
      eventType: "Microsoft.Resources.ResourceWriteSuccess",
      eventTime: DEMO_NOW.toISOString(),
      dataVersion: "2",
      metadataVersion: "1",
      data: {
        resourceUri: id,
        operationName,
        resourceProvider: provider,
        status: "Succeeded",
        subscriptionId: SUB,
      },
    });
  });
});

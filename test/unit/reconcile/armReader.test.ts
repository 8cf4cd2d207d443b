import { connectionFromArm } from "../../../src/adapters/arm/armReader";
import { tenantFromWwwAuthenticate } from "../../../src/adapters/arm/tenantResolver";

const PARENT =
  "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg/providers/Microsoft.Relay/namespaces/ns1";

describe("tenantFromWwwAuthenticate", () => {
  it.each([
    [
      'Bearer authorization_uri="https://login.microsoftonline.com/AAAAAAAA-0000-0000-0000-000000000001", error="invalid_token"',
      "aaaaaaaa-0000-0000-0000-000000000001",
    ],
    [
      'Bearer authorization_uri="https://login.windows.net/bbbbbbbb-0000-0000-0000-000000000002"',
      "bbbbbbbb-0000-0000-0000-000000000002",
    ],
    ['Bearer authorization_uri="https://login.microsoftonline.com/common"', undefined],
    ['Bearer realm="x"', undefined],
    [undefined, undefined],
  ])("%s → %s", (header, tenant) => {
    expect(tenantFromWwwAuthenticate(header)).toBe(tenant);
  });
});

describe("connectionFromArm", () => {
  it("maps ARM JSON (nested properties) and keeps unknown statuses raw", () => {
    const c = connectionFromArm(
      {
        id: `${PARENT}/privateEndpointConnections/c1`,
        name: "c1",
        etag: 'W/"1"',
        properties: {
          privateEndpoint: {
            id: "/subscriptions/2/resourceGroups/r/providers/Microsoft.Network/privateEndpoints/pe",
          },
          privateLinkServiceConnectionState: {
            status: "pending",
            description: "hi",
            actionsRequired: "None",
          },
          groupIds: ["namespace", 7],
          provisioningState: "Succeeded",
        },
      },
      PARENT,
    );
    expect(c).toMatchObject({
      status: "Pending",
      rawStatus: "pending",
      description: "hi",
      groupIds: ["namespace"],
      etag: 'W/"1"',
      targetId: PARENT,
    });
    expect(
      connectionFromArm(
        { name: "c2", properties: { privateLinkServiceConnectionState: { status: "Weird" } } },
        PARENT,
      ),
    ).toMatchObject({
      id: `${PARENT}/privateEndpointConnections/c2`,
      status: undefined,
      rawStatus: "Weird",
    });
  });

  it("maps the SDK's flattened model (PLS through arm-network)", () => {
    const c = connectionFromArm(
      {
        id: `${PARENT}/privateEndpointConnections/c3`,
        name: "c3",
        privateEndpoint: { id: "/subscriptions/2/x" },
        privateLinkServiceConnectionState: { status: "Approved" },
        linkIdentifier: "42",
      },
      PARENT,
    );
    expect(c).toMatchObject({
      status: "Approved",
      privateEndpointId: "/subscriptions/2/x",
      linkIdentifier: "42",
    });
  });
});

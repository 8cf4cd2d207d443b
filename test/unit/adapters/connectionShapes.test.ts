/**
 * The client's per-type connection shapes (src/adapters/arm/connectionShapes.ts) and the emulator's provider
 * profiles (src/emulator/providers/catalog.ts) are written independently from the same specs; they must
 * agree, and the emulator must accept exactly the api-versions of the specs it models, not the client's.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  EMBEDDED_CONNECTIONS_ONLY,
  PRIVATE_LINK_SERVICE_TYPE,
  PRIVATE_LINK_TARGET_API_VERSIONS,
} from "../../../src/adapters/arm/apiVersions";
import {
  connectionShapeFor,
  connectionStateBody,
  SHAPED_TYPES,
} from "../../../src/adapters/arm/connectionShapes";
import { acceptedVersions } from "../../../src/emulator/apiVersions";
import { allProfiles, profileFor } from "../../../src/emulator/providers/catalog";

const TARGETS = [PRIVATE_LINK_SERVICE_TYPE.toLowerCase(), ...Object.keys(PRIVATE_LINK_TARGET_API_VERSIONS)];

describe("client connection shapes and emulator provider profiles", () => {
  it("there is one profile and one shape per supported target type (58)", () => {
    expect(TARGETS).toHaveLength(58);
    expect(
      allProfiles()
        .map((p) => p.type.toLowerCase())
        .sort(),
    ).toEqual([...TARGETS].sort());
    expect([...SHAPED_TYPES].sort()).toEqual([...TARGETS].sort());
  });

  it.each(TARGETS)("%s: listing, write method, actions field and group ids agree", (type) => {
    const profile = profileFor(type);
    const shape = connectionShapeFor(type);
    expect(profile).toBeDefined();
    if (!profile) return;
    expect(shape.listing).toBe(profile.listing);
    expect(shape.writeMethod).toBe(profile.writeMethod);
    expect(shape.actionsField ?? "none").toBe(profile.actionsField);
    expect(shape.actionsReadOnly).toBe(profile.actionsReadOnly);
    expect(shape.groupIdField).toBe(
      profile.groupIds.on === "connection" ? profile.groupIds.field : undefined,
    );
    expect(profile.spec).toMatch(/\.json/);
    expect(EMBEDDED_CONNECTIONS_ONLY.has(type)).toBe(profile.listing === "embedded-only");
  });

  it.each([
    // The connection schema at the client's api-version derives from a ProxyResource without etag.
    ["microsoft.relay/namespaces", false],
    ["microsoft.servicebus/namespaces", false],
    ["microsoft.eventhub/namespaces", false],
    ["microsoft.sql/servers", false],
    ["microsoft.documentdb/databaseaccounts", false],
    ["microsoft.keyvault/vaults", false],
    // Network's PrivateEndpointConnection has a read-only etag; unchecked types are assumed to have one.
    [PRIVATE_LINK_SERVICE_TYPE.toLowerCase(), true],
    ["microsoft.storage/storageaccounts", true],
  ] as const)("%s: the reader says whether its connections can carry an etag (%s)", (type, exposed) => {
    expect(connectionShapeFor(type).etag !== false).toBe(exposed);
    expect(connectionShapeFor(type.toUpperCase()).etag !== false).toBe(exposed);
  });

  it.each(Object.entries(PRIVATE_LINK_TARGET_API_VERSIONS))(
    "%s: the client's api-version %s is one the emulator's profile models",
    (type, version) => {
      expect(profileFor(type)?.apiVersions).toContain(version);
      expect(acceptedVersions(type)).toContain(version);
    },
  );

  it("the emulator refuses versions its profiles do not model", () => {
    expect(acceptedVersions("microsoft.storage/storageaccounts")).toEqual(["2019-06-01"]);
    expect(acceptedVersions("microsoft.keyvault/vaults")).not.toContain("2023-07-01");
  });

  it("the emulator's api-version table does not read the client's", () => {
    const src = fs.readFileSync(path.join(__dirname, "../../../src/emulator/apiVersions.ts"), "utf8");
    expect(src).not.toMatch(/from "\.\.\/adapters/);
    for (const f of fs.readdirSync(path.join(__dirname, "../../../src/emulator/providers")))
      expect(fs.readFileSync(path.join(__dirname, "../../../src/emulator/providers", f), "utf8")).not.toMatch(
        /adapters\//,
      );
  });
});

describe("connectionStateBody sends only what each provider's schema accepts", () => {
  it.each([
    [
      "Microsoft.Network/privateLinkServices",
      { status: "Approved", description: "d", actionsRequired: "None" },
    ],
    ["Microsoft.Storage/storageAccounts", { status: "Approved", description: "d", actionRequired: "None" }],
    ["Microsoft.KeyVault/vaults", { status: "Approved", description: "d", actionRequired: "None" }],
    ["Microsoft.Sql/servers", { status: "Approved", description: "d" }],
    ["Microsoft.DocumentDB/databaseAccounts", { status: "Approved", description: "d" }],
    ["Microsoft.ServiceBus/namespaces", { status: "Approved", description: "d" }],
    ["Microsoft.EventHub/namespaces", { status: "Approved", description: "d" }],
    ["Microsoft.Relay/namespaces", { status: "Approved", description: "d" }],
  ])("%s", (type, state) => {
    expect(connectionStateBody(type, "Approved", "d")).toEqual({
      properties: { privateLinkServiceConnectionState: state },
    });
  });
});

/**
 * The emulator answers each provider's connection operations as its profile says, observed on the wire:
 * status codes, headers, bodies, intermediate states and how an operation ends.
 */
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type RunningEmulator } from "../../../src/emulator";
import { profileFor } from "../../../src/emulator/providers/catalog";
import type { ProviderProfile } from "../../../src/emulator/providers/profile";
import { parentIdOf, providerParent } from "../approval/providerSeed";
import { RECORD_DIR } from "./helpers";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

let emu: RunningEmulator;

function call(method: string, url: string, body?: unknown, auth = true): Promise<Answer> {
  const u = new URL(url, emu.url);
  return new Promise((resolve, reject) => {
    const req = https.request(
      u,
      {
        method,
        ca: emu.caPem,
        headers: {
          ...(auth ? { authorization: "Bearer test" } : {}),
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text ? JSON.parse(text) : undefined,
          });
        });
      },
    );
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const profile = (t: string): ProviderProfile => profileFor(t) as ProviderProfile;
const approve = {
  properties: { privateLinkServiceConnectionState: { status: "Approved", description: "ok" } },
};

function seedOne(p: ProviderProfile): { parent: string; conn: string; v: string } {
  emu.state.reset();
  emu.faults.clear();
  emu.operationFaults.clear();
  emu.state.add(providerParent(p, "target01", [["c1", "Pending"]]));
  const parent = parentIdOf(p, "target01");
  return { parent, conn: `${parent}/privateEndpointConnections/c1`, v: p.apiVersions[0] ?? "" };
}

beforeAll(async () => {
  emu = await startEmulator({ recordDir: RECORD_DIR, lroRetryAfterSeconds: 0, lroPolls: 2 });
});
afterAll(async () => emu?.stop());

describe("provider write contracts on the wire", () => {
  it("Key Vault: 200 with provisioningState Updating and Azure-AsyncOperation, Succeeded after two polls", async () => {
    const { conn, v } = seedOne(profile("Microsoft.KeyVault/vaults"));
    const put = await call("PUT", `${conn}?api-version=${v}`, approve);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      properties: {
        provisioningState: "Updating",
        privateLinkServiceConnectionState: { status: "Approved" },
      },
    });
    const op = String(put.headers["azure-asyncoperation"]);
    expect(op).toMatch(
      /\/providers\/Microsoft\.KeyVault\/locations\/westeurope\/operations\/[0-9a-f-]{36}\?api-version=2019-09-01$/,
    );
    expect((await call("GET", op)).body).toMatchObject({ status: "InProgress" });
    expect((await call("GET", `${conn}?api-version=${v}`)).body).toMatchObject({
      properties: { provisioningState: "Updating" },
    });
    expect((await call("GET", op)).body).toMatchObject({ status: "Succeeded" });
    expect((await call("GET", `${conn}?api-version=${v}`)).body).toMatchObject({
      properties: {
        provisioningState: "Succeeded",
        privateLinkServiceConnectionState: { status: "Approved" },
      },
    });
  });

  it("Sql: 202 without a body, Location and Azure-AsyncOperation; Approving, then Ready", async () => {
    const { conn, v } = seedOne(profile("Microsoft.Sql/servers"));
    const put = await call("PUT", `${conn}?api-version=${v}`, approve);
    expect([put.status, put.body]).toEqual([202, undefined]);
    expect(put.headers["location"]).toMatch(/\/operationResults\//);
    expect((await call("GET", `${conn}?api-version=${v}`)).body).toMatchObject({
      properties: { provisioningState: "Approving" },
    });
    const loc = String(put.headers["location"]);
    expect((await call("GET", loc)).status).toBe(202);
    const done = await call("GET", loc);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ properties: { provisioningState: "Ready" } });
  });

  it("Recovery Services: 201 with the connection, polled at {connection}/operationsStatus/{id}", async () => {
    const { conn, v } = seedOne(profile("Microsoft.RecoveryServices/vaults"));
    const put = await call("PUT", `${conn}?api-version=${v}`, approve);
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ properties: { provisioningState: "Pending" } });
    const op = String(put.headers["azure-asyncoperation"]);
    expect(op).toContain(`${conn}/operationsStatus/`);
    await call("GET", op);
    expect((await call("GET", op)).body).toMatchObject({ status: "Succeeded" });
  });

  it("a long-running write whose operation fault says Failed ends Failed and rolls the connection back", async () => {
    const { conn, v } = seedOne(profile("Microsoft.DocumentDB/databaseAccounts"));
    emu.operationFaults.add({ method: "PUT", outcome: "Failed", code: "BadRequest", message: "nope" });
    const put = await call("PUT", `${conn}?api-version=${v}`, approve);
    const op = String(put.headers["azure-asyncoperation"]);
    await call("GET", op);
    expect((await call("GET", op)).body).toMatchObject({
      status: "Failed",
      error: { code: "BadRequest", message: "nope" },
    });
    expect((await call("GET", `${conn}?api-version=${v}`)).body).toMatchObject({
      properties: { provisioningState: "Failed", privateLinkServiceConnectionState: { status: "Pending" } },
    });
  });

  it("operation faults load from operation-faults.json in the seed directory", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "linkgate-opfaults-"));
    fs.writeFileSync(
      path.join(dir, "operation-faults.json"),
      JSON.stringify({ rules: [{ outcome: "Failed" }] }),
    );
    const other = await startEmulator({ seedDir: dir });
    try {
      expect(other.operationFaults.list().map((r) => r.rule.outcome)).toEqual(["Failed"]);
    } finally {
      await other.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("Batch accepts PATCH and refuses PUT (405)", async () => {
    const { conn, v } = seedOne(profile("Microsoft.Batch/batchAccounts"));
    expect((await call("PUT", `${conn}?api-version=${v}`, approve)).status).toBe(405);
    const patch = await call("PATCH", `${conn}?api-version=${v}`, approve);
    expect([patch.status, patch.body]).toEqual([202, undefined]);
    expect(patch.headers["location"]).toBeDefined();
  });

  it("sync providers answer 200 with the final state (Storage keeps `actionRequired`)", async () => {
    const { conn, v } = seedOne(profile("Microsoft.Storage/storageAccounts"));
    const put = await call("PUT", `${conn}?api-version=${v}`, {
      properties: {
        privateLinkServiceConnectionState: { status: "Approved", description: "ok", actionRequired: "None" },
      },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      properties: {
        provisioningState: "Succeeded",
        privateLinkServiceConnectionState: { status: "Approved", actionRequired: "None" },
      },
    });
    expect(emu.operations().filter((o) => o.resource.toLowerCase() === conn.toLowerCase())).toEqual([]);
  });
});

describe("contracts added for issue 13, on the wire", () => {
  it("Container Apps environment: 201 with the connection and Location only, Updating until polled", async () => {
    const { conn, v } = seedOne(profile("Microsoft.App/managedEnvironments"));
    const put = await call("PUT", `${conn}?api-version=${v}`, approve);
    expect(put.status).toBe(201);
    expect(put.headers["azure-asyncoperation"]).toBeUndefined();
    expect(put.body).toMatchObject({
      properties: {
        provisioningState: "Updating",
        privateLinkServiceConnectionState: { status: "Approved" },
      },
    });
    const loc = String(put.headers["location"]);
    expect((await call("GET", loc)).status).toBe(202);
    expect((await call("GET", loc)).status).toBe(200);
    expect((await call("GET", `${conn}?api-version=${v}`)).body).toMatchObject({
      properties: {
        provisioningState: "Succeeded",
        privateLinkServiceConnectionState: { status: "Approved" },
      },
    });
  });

  it("PostgreSQL flexible server: 202 without a body, Azure-AsyncOperation and Location", async () => {
    const { conn, v } = seedOne(profile("Microsoft.DBforPostgreSQL/flexibleServers"));
    const put = await call("PUT", `${conn}?api-version=${v}`, approve);
    expect([put.status, put.body]).toEqual([202, undefined]);
    expect(put.headers["azure-asyncoperation"]).toBeDefined();
    expect(put.headers["location"]).toBeDefined();
    expect((await call("GET", `${conn}?api-version=${v}`)).body).toMatchObject({
      properties: { provisioningState: "Creating", groupIds: expect.any(Array) },
    });
  });

  it("AKS: 200 at once, and its connection state keeps no actions field", async () => {
    const { conn, v } = seedOne(profile("Microsoft.ContainerService/managedClusters"));
    const put = await call("PUT", `${conn}?api-version=${v}`, {
      properties: {
        privateLinkServiceConnectionState: { status: "Approved", description: "ok", actionsRequired: "None" },
      },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ properties: { provisioningState: "Succeeded" } });
    const state = (put.body as { properties: { privateLinkServiceConnectionState: Record<string, unknown> } })
      .properties.privateLinkServiceConnectionState;
    expect(state).toEqual({ status: "Approved", description: "ok" });
    expect(emu.operations().filter((o) => o.resource.toLowerCase() === conn.toLowerCase())).toEqual([]);
  });

  it("Device Provisioning Service lists its connections as a bare array, like IoT Hub", async () => {
    const { parent, v } = seedOne(profile("Microsoft.Devices/provisioningServices"));
    const list = await call("GET", `${parent}/privateEndpointConnections?api-version=${v}`);
    expect(Array.isArray(list.body)).toBe(true);
    expect(list.body).toHaveLength(1);
  });

  it("Sql managed instance: a rejection is held in Rejecting and ends Ready", async () => {
    const { conn, v } = seedOne(profile("Microsoft.Sql/managedInstances"));
    const put = await call("PUT", `${conn}?api-version=${v}`, {
      properties: { privateLinkServiceConnectionState: { status: "Rejected", description: "no" } },
    });
    expect([put.status, put.body]).toEqual([202, undefined]);
    expect((await call("GET", `${conn}?api-version=${v}`)).body).toMatchObject({
      properties: { provisioningState: "Rejecting" },
    });
  });

  it("static sites answer errors flat, as App Service does", async () => {
    const { parent, v } = seedOne(profile("Microsoft.Web/staticSites"));
    const missing = await call("GET", `${parent}/privateEndpointConnections/nope?api-version=${v}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ Code: "ResourceNotFound", Message: expect.any(String) });
  });
});

describe("lists, errors and api-versions per provider", () => {
  it("embedded-only providers have no list (404), their parent embeds the connections", async () => {
    const { parent, v } = seedOne(profile("Microsoft.KeyVault/vaults"));
    const list = await call("GET", `${parent}/privateEndpointConnections?api-version=${v}`);
    expect(list.status).toBe(404);
    const vault = await call("GET", `${parent}?api-version=${v}`);
    expect(vault.body).toMatchObject({
      properties: { privateEndpointConnections: [{ id: expect.any(String) }] },
    });
  });

  it("IoT Hub lists its connections as a bare array", async () => {
    const { parent, v } = seedOne(profile("Microsoft.Devices/IotHubs"));
    const list = await call("GET", `${parent}/privateEndpointConnections?api-version=${v}`);
    expect(Array.isArray(list.body)).toBe(true);
    expect(list.body).toHaveLength(1);
  });

  it("App Service errors are flat {Code, Message}; ARM's own stay enveloped", async () => {
    const { parent, v } = seedOne(profile("Microsoft.Web/sites"));
    const missing = await call("GET", `${parent}/privateEndpointConnections/nope?api-version=${v}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ Code: "ResourceNotFound", Message: expect.any(String) });
    const badVersion = await call("GET", `${parent}?api-version=2024-04-01`);
    expect(badVersion.body).toMatchObject({ error: { code: "NoRegisteredProviderFound" } });
  });

  it("accepts only the api-versions of the modelled spec", async () => {
    const { parent } = seedOne(profile("Microsoft.Storage/storageAccounts"));
    expect((await call("GET", `${parent}?api-version=2019-06-01`)).status).toBe(200);
    const newer = await call("GET", `${parent}?api-version=2023-01-01`);
    expect(newer.status).toBe(400);
    expect(newer.body).toMatchObject({ error: { code: "NoRegisteredProviderFound" } });
  });
});

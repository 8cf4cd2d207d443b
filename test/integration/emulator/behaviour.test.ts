import { API_VERSIONS } from "../../../src/adapters/arm/apiVersions";
import * as os from "node:os";
import * as path from "node:path";
import { generateCertificates } from "../../../src/emulator/certs";
import {
  armContextFromEnv,
  createArmContext,
  EmulatorConfigError,
  StaticTokenCredential,
} from "../../../src/adapters/arm/context";
import type { ArmError } from "../../../src/core/errors";
import { applySeed, METRIC_SERIES_TYPE, MANAGEMENT_GROUP_TYPE } from "../../../src/emulator";
import {
  capture,
  connection,
  estate,
  harness,
  PLS_ID,
  raw,
  RELAY_ID,
  RG,
  SUB,
  TENANT,
  type Harness,
} from "./helpers";

const NET = "2024-07-01";
const RELAY = "2021-11-01";

const AUTH = { authorization: "Bearer test" };

/** PLS_ID's PLSBytesIn series, seeded as a seed file would. */
function seedPlsBytesIn(h: Harness, points: { timeStamp: string; value: number }[]): void {
  applySeed(
    h.emulator.state,
    { type: METRIC_SERIES_TYPE, resourceId: PLS_ID, metric: "PLSBytesIn", unit: "Bytes", points },
    "test",
  );
}

describe("emulator behaviour through the real SDK clients", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness({ seed: estate(), pageSize: 2 });
  });
  afterEach(async () => h.emulator.stop());

  it("serves a PLS and its connections through @azure/arm-network, mirroring children into the parent", async () => {
    const net = h.arm.network(SUB);
    const pls = await net.privateLinkServices.get(RG, "pls1");
    expect(pls.privateEndpointConnections?.map((c) => c.name)).toEqual(["c-pending", "c-approved"]);
    const conns = [];
    for await (const c of net.privateLinkServices.listPrivateEndpointConnections(RG, "pls1"))
      conns.push(c.name);
    expect(conns).toEqual(["c-pending", "c-approved"]);
    const relay = await h.arm.generic.get(RELAY_ID, RELAY);
    expect(
      (
        relay?.["properties"] as { privateEndpointConnections: { name: string }[] }
      ).privateEndpointConnections.map((c) => c.name),
    ).toEqual(["r-pending"]);
  });

  it("pages every list with nextLink (page size 2) and the SDK follows it", async () => {
    for (let i = 0; i < 3; i++) h.emulator.state.add(connection(PLS_ID, `extra-${i}`, "Pending"));
    const cap = capture();
    const names: string[] = [];
    for await (const c of h.arm
      .network(SUB)
      .privateLinkServices.listPrivateEndpointConnections(RG, "pls1", { onResponse: cap.onResponse }))
      names.push(c.name ?? "");
    expect(names).toHaveLength(5);
    expect((cap.bodies[0] as { nextLink?: string }).nextLink).toMatch(/\$skiptoken=2/);
    const generic: unknown[] = [];
    for await (const x of h.arm.generic.list(`${PLS_ID}/privateEndpointConnections`, NET)) generic.push(x);
    expect(generic).toHaveLength(5);
  });

  it("lists an empty child collection of an existing parent as empty, and 404s only a missing parent", async () => {
    // The Relay namespace exists; remove its only connection so its collection is empty.
    h.emulator.state.remove(`${RELAY_ID}/privateEndpointConnections/r-pending`);
    const empty: unknown[] = [];
    for await (const x of h.arm.generic.list(`${RELAY_ID}/privateEndpointConnections`, RELAY)) empty.push(x);
    expect(empty).toEqual([]);
    const missing = async (): Promise<void> => {
      for await (const _ of h.arm.generic.list(`${RELAY_ID}-gone/privateEndpointConnections`, RELAY)) break;
    };
    await expect(missing()).rejects.toMatchObject({ statusCode: 404, code: "ParentResourceNotFound" });
  });

  it("answers ARM errors with ARM codes", async () => {
    const net = h.arm.network(SUB);
    await expect(net.privateLinkServices.get(RG, "nope")).rejects.toMatchObject({
      statusCode: 404,
      code: "ResourceNotFound",
    });
    await expect(net.privateLinkServices.getPrivateEndpointConnection(RG, "nope", "c")).rejects.toMatchObject(
      { statusCode: 404, code: "ParentResourceNotFound" },
    );
    await expect(h.arm.network(SUB).privateLinkServices.get("rg-missing", "pls1")).rejects.toMatchObject({
      statusCode: 404,
      code: "ResourceGroupNotFound",
    });
    const r = await raw(
      h,
      "GET",
      `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Nothing/things/x?api-version=2024-01-01`,
      AUTH,
    );
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toEqual({
      error: { code: "InvalidResourceType", message: expect.stringContaining("things") },
    });
  });

  it("requires and checks api-version per resource type, reading linkgate's table", async () => {
    const missing = await raw(h, "GET", PLS_ID, AUTH);
    expect([missing.status, JSON.parse(missing.body).error.code]).toEqual([
      400,
      "MissingApiVersionParameter",
    ]);
    const malformed = await raw(h, "GET", `${PLS_ID}?api-version=banana`, AUTH);
    expect([malformed.status, JSON.parse(malformed.body).error.code]).toEqual([
      400,
      "InvalidApiVersionParameter",
    ]);
    const unsupported = await raw(h, "GET", `${PLS_ID}?api-version=2021-11-01`, AUTH);
    expect([unsupported.status, JSON.parse(unsupported.body).error.code]).toEqual([
      400,
      "NoRegisteredProviderFound",
    ]);
    await expect(h.arm.generic.get(PLS_ID, "2026-01-01")).resolves.toBeDefined();
    for (const [type, version] of Object.entries(API_VERSIONS)) {
      if (
        !type.includes("/") ||
        type.startsWith("microsoft.insights") ||
        type.startsWith("microsoft.resourcegraph")
      )
        continue;
      const r = await raw(
        h,
        "GET",
        `/subscriptions/${SUB}/resourceGroups/${RG}/providers/${type}/absent?api-version=${version}`,
        AUTH,
      );
      expect([type, r.status]).toEqual([type, 404]);
    }
  });

  it("treats resource IDs case-insensitively", async () => {
    const got = await h.arm.generic.get(
      PLS_ID.toUpperCase().replace("/SUBSCRIPTIONS/", "/subscriptions/"),
      NET,
    );
    expect(got?.["id"]).toBe(PLS_ID);
    const c = await h.arm
      .network(SUB)
      .privateLinkServices.getPrivateEndpointConnection(RG.toUpperCase(), "PLS1", "C-PENDING");
    expect(c.name).toBe("c-pending");
  });

  it("approves with a new etag on every write, honours If-Match and keeps the parent in sync", async () => {
    const net = h.arm.network(SUB);
    const before = await net.privateLinkServices.getPrivateEndpointConnection(RG, "pls1", "c-pending");
    const plsBefore = await net.privateLinkServices.get(RG, "pls1");
    const updated = await net.privateLinkServices.updatePrivateEndpointConnection(RG, "pls1", "c-pending", {
      privateLinkServiceConnectionState: { status: "Approved", description: "ok by policy" },
    });
    expect(updated.privateLinkServiceConnectionState?.status).toBe("Approved");
    expect(updated.etag).toBeDefined();
    expect(updated.etag).not.toBe(before.etag);
    const plsAfter = await net.privateLinkServices.get(RG, "pls1");
    expect(plsAfter.etag).not.toBe(plsBefore.etag);
    expect(
      plsAfter.privateEndpointConnections?.find((c) => c.name === "c-pending")
        ?.privateLinkServiceConnectionState?.status,
    ).toBe("Approved");
    // A stale etag is refused.
    const stale = h.arm.generic.put(
      `${PLS_ID}/privateEndpointConnections/c-pending`,
      NET,
      { properties: { privateLinkServiceConnectionState: { status: "Rejected" } } },
      { etag: before.etag ?? "x" },
    );
    await expect(stale).rejects.toMatchObject({ statusCode: 412, code: "PreconditionFailed" });
    const fresh = await h.arm.generic.put(
      `${PLS_ID}/privateEndpointConnections/c-pending`,
      NET,
      { properties: { privateLinkServiceConnectionState: { status: "Rejected", description: "revoked" } } },
      { etag: updated.etag ?? "" },
    );
    expect(
      (fresh["properties"] as { privateLinkServiceConnectionState: { status: string } })
        .privateLinkServiceConnectionState.status,
    ).toBe("Rejected");
  });

  it("refuses transitions Azure does not allow (Rejected → Approved, → Disconnected)", async () => {
    const id = `${PLS_ID}/privateEndpointConnections/c-pending`;
    await h.arm.generic.put(id, NET, {
      properties: { privateLinkServiceConnectionState: { status: "Rejected" } },
    });
    const err = (await h.arm.generic
      .put(id, NET, { properties: { privateLinkServiceConnectionState: { status: "Approved" } } })
      .catch((e: unknown) => e)) as ArmError;
    expect([err.statusCode, err.code]).toEqual([400, "InvalidPrivateEndpointConnectionStateTransition"]);
    const err2 = (await h.arm.generic
      .put(`${PLS_ID}/privateEndpointConnections/c-approved`, NET, {
        properties: { privateLinkServiceConnectionState: { status: "Disconnected" } },
      })
      .catch((e: unknown) => e)) as ArmError;
    expect(err2.statusCode).toBe(400);
    const missing = (await h.arm.generic
      .put(`${PLS_ID}/privateEndpointConnections/ghost`, NET, {
        properties: { privateLinkServiceConnectionState: { status: "Approved" } },
      })
      .catch((e: unknown) => e)) as ArmError;
    expect([missing.statusCode, missing.code]).toEqual([404, "ResourceNotFound"]);
  });

  it("approves a PaaS (Relay) connection through the generic client and mirrors it into the namespace", async () => {
    const id = `${RELAY_ID}/privateEndpointConnections/r-pending`;
    const res = await h.arm.generic.put(id, RELAY, {
      properties: { privateLinkServiceConnectionState: { status: "Approved", description: "ok" } },
    });
    expect(res["type"]).toBe("Microsoft.Relay/Namespaces/PrivateEndpointConnections");
    const ns = await h.arm.generic.get(RELAY_ID, RELAY);
    expect(JSON.stringify(ns)).toContain('"status":"Approved"');
  });

  it("deletes a PLS connection as a long-running operation (202 + Azure-AsyncOperation) the SDK polls to the end", async () => {
    const cap = capture();
    const poller = h.arm
      .network(SUB)
      .privateLinkServices.deletePrivateEndpointConnection(RG, "pls1", "c-approved", {
        updateIntervalInMs: 10,
        onResponse: cap.onResponse,
      });
    await poller;
    expect(cap.statuses[0]).toBe(202);
    await expect(
      h.arm.network(SUB).privateLinkServices.getPrivateEndpointConnection(RG, "pls1", "c-approved"),
    ).rejects.toMatchObject({ statusCode: 404 });
    const pls = await h.arm.network(SUB).privateLinkServices.get(RG, "pls1");
    expect(pls.privateEndpointConnections?.map((c) => c.name)).toEqual(["c-pending"]);
    const r = await raw(
      h,
      "DELETE",
      `${PLS_ID}/privateEndpointConnections/c-pending?api-version=${NET}`,
      AUTH,
    );
    expect(r.status).toBe(202);
    expect(r.headers["azure-asyncoperation"]).toMatch(
      /\/providers\/Microsoft\.Network\/locations\/westeurope\/operations\//,
    );
    expect(r.headers["location"]).toMatch(/operationResults/);
    // The generic client follows the same operation; deleting what is gone is a 204.
    await h.arm.generic.delete(`${RELAY_ID}/privateEndpointConnections/r-pending`, RELAY, {
      pollTimeoutInMs: 5000,
    });
    expect(
      await h.arm.generic.get(`${RELAY_ID}/privateEndpointConnections/r-pending`, RELAY),
    ).toBeUndefined();
  });

  it("discovers a subscription's tenant from the unauthenticated 401 and serves the subscription", async () => {
    const r = await raw(h, "GET", `/subscriptions/${SUB}?api-version=2022-12-01`);
    expect(r.status).toBe(401);
    expect(r.headers["www-authenticate"]).toBe(
      `Bearer authorization_uri="https://login.microsoftonline.com/${TENANT}", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header."`,
    );
    const sub = await h.arm.generic.get(`/subscriptions/${SUB}`, "2022-12-01");
    expect(sub).toMatchObject({
      subscriptionId: SUB,
      tenantId: TENANT,
      displayName: "links",
      state: "Enabled",
    });
    const unknown = await raw(
      h,
      "GET",
      `/subscriptions/99999999-9999-9999-9999-999999999999?api-version=2022-12-01`,
    );
    expect(unknown.status).toBe(404);
  });

  it("serves Private Link metrics from seeded series, bucketed and aggregated", async () => {
    h.emulator.state.add({
      id: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/privateEndpoints/pe1`,
      name: "pe1",
      type: "Microsoft.Network/privateEndpoints",
      location: "westeurope",
      properties: {},
    });
    seedPlsBytesIn(h, [
      { timeStamp: "2024-01-01T00:10:00Z", value: 100 },
      { timeStamp: "2024-01-01T00:20:00Z", value: 50 },
      { timeStamp: "2024-01-01T01:30:00Z", value: 7 },
    ]);
    const q = `${PLS_ID}/providers/Microsoft.Insights/metrics`;
    const res = await h.arm.generic
      .get(
        `${q}?metricnames=PLSBytesIn,PLSNatPortsUsage&timespan=2024-01-01T00:00:00Z/2024-01-01T02:00:00Z&interval=PT1H&aggregation=Total,Average`.replace(
          /\?.*/,
          "",
        ),
        "2023-10-01",
      )
      .catch(() => undefined);
    expect(res).toBeUndefined(); // metricnames is required: the generic get without it is a 400
    const r = await raw(
      h,
      "GET",
      `${q}?api-version=2023-10-01&metricnames=PLSBytesIn,PLSNatPortsUsage&timespan=2024-01-01T00:00:00Z/2024-01-01T02:00:00Z&interval=PT1H&aggregation=Total,Average`,
      AUTH,
    );
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body) as {
      value: { name: { value: string }; timeseries: { data: Record<string, unknown>[] }[] }[];
    };
    expect(body.value.map((v) => v.name.value)).toEqual(["PLSBytesIn", "PLSNatPortsUsage"]);
    expect(body.value[0]?.timeseries[0]?.data).toEqual([
      { timeStamp: "2024-01-01T00:00:00Z", total: 150, average: 75 },
      { timeStamp: "2024-01-01T01:00:00Z", total: 7, average: 7 },
    ]);
    expect(body.value[1]?.timeseries).toEqual([]);
    const bad = await raw(h, "GET", `${q}?api-version=2023-10-01&metricnames=PEBytesIn`, AUTH);
    expect(bad.status).toBe(400);
  });

  it("reads a metrics batch's resource IDs as every other route reads an ID (casing, trailing slash)", async () => {
    seedPlsBytesIn(h, [{ timeStamp: "2024-01-01T00:10:00Z", value: 42 }]);
    const batch = (ids: string[]) =>
      raw(
        h,
        "POST",
        `/subscriptions/${SUB}/metrics:getBatch?api-version=2024-02-01&metricnamespace=Microsoft.Network/privateLinkServices` +
          `&metricnames=PLSBytesIn&starttime=2024-01-01T00:00:00Z&endtime=2024-01-01T01:00:00Z&interval=PT1H`,
        { ...AUTH, "content-type": "application/json" },
        JSON.stringify({ resourceids: ids }),
      );
    const odd = [
      `${PLS_ID}/`,
      PLS_ID.toUpperCase(),
      `/SUBSCRIPTIONS/${SUB}/resourcegroups/${RG}/PROVIDERS/microsoft.network/PRIVATELINKSERVICES/pls1//`,
    ];
    for (const id of odd) {
      // The route that serves one resource's metrics finds it under the same spelling.
      expect((await raw(h, "GET", `${id}?api-version=${NET}`, AUTH)).status).toBe(200);
      const r = await batch([id]);
      expect([id, r.status]).toEqual([id, 200]);
      const values = (JSON.parse(r.body) as { values: Record<string, unknown>[] }).values;
      expect(values.map((v) => v["resourceid"])).toEqual([PLS_ID]);
      expect(JSON.stringify(values[0]?.["value"])).toContain('"total":42');
    }
    // A child of the namespace's type, or a resource of another subscription, is still not the batch's.
    for (const [id, why] of [
      [
        `${PLS_ID}/privateEndpointConnections/c-pending`,
        /is not of type 'Microsoft.Network\/privateLinkServices'/,
      ],
      [RELAY_ID, /is not of type/],
      [PLS_ID.replace(SUB, "99999999-9999-9999-9999-999999999999"), /is not in subscription/],
    ] as const) {
      const r = await batch([id]);
      expect(r.status).toBe(400);
      expect(r.body).toMatch(why);
    }
  });

  it("answers the Resource Graph query subset, paged with $skipToken, scoped by management group", async () => {
    applyMg(h);
    const query =
      "Resources | where type in~ ('microsoft.network/privatelinkservices', 'Microsoft.Relay/namespaces') | where isnotempty(properties.privateEndpointConnections) | project id, type, subscriptionId";
    const first = await h.arm.generic.post("/providers/Microsoft.ResourceGraph/resources", "2022-10-01", {
      managementGroups: ["mg-prod"],
      query,
      options: { $top: 1, resultFormat: "objectArray" },
    });
    expect(first).toMatchObject({ totalRecords: 2, count: 1, resultTruncated: "false", facets: [] });
    expect(Object.keys((first["data"] as Record<string, unknown>[])[0] ?? {})).toEqual([
      "id",
      "type",
      "subscriptionId",
    ]);
    const second = await h.arm.generic.post("/providers/Microsoft.ResourceGraph/resources", "2022-10-01", {
      managementGroups: ["mg-prod"],
      query,
      options: { $top: 1, $skipToken: first["$skipToken"] },
    });
    expect(second["$skipToken"]).toBeUndefined();
    expect(
      [(first["data"] as { id: string }[])[0]?.id, (second["data"] as { id: string }[])[0]?.id].sort(),
    ).toEqual([PLS_ID, RELAY_ID].sort());
    const err = (await h.arm.generic
      .post("/providers/Microsoft.ResourceGraph/resources", "2022-10-01", {
        query: "Resources | summarize count()",
      })
      .catch((e: unknown) => e)) as ArmError;
    expect([err.statusCode, err.code]).toEqual([400, "BadRequest"]);
    expect(err.message).toContain("where type =~");
  });
});

function applyMg(h: Harness): void {
  h.emulator.state.setManagementGroup("mg-prod", [SUB]);
  // The same kind also loads from a seed document.
  expect(MANAGEMENT_GROUP_TYPE).toBe("Linkgate.Emulator/managementGroup");
}

describe("fault injection observed by the SDK retry policy", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness({ seed: estate() }, { maxRetries: 3, retryDelayInMs: 5, maxRetryDelayInMs: 20 });
  });
  afterEach(async () => h.emulator.stop());

  it("two 503s then success: the SDK call succeeds after retrying", async () => {
    h.emulator.faults.failNext(2, { method: "GET", path: "/privateLinkServices/pls1$" }, 503);
    const cap = capture();
    const pls = await h.arm.network(SUB).privateLinkServices.get(RG, "pls1", { onResponse: cap.onResponse });
    expect(pls.name).toBe("pls1");
    expect(h.emulator.faults.list()).toEqual([]);
  });

  it("429 with Retry-After is honoured", async () => {
    h.emulator.faults.add({ method: "GET", path: "pls1$", times: 1, status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    await h.arm.generic.get(PLS_ID, NET);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("more failures than retries surface as the ARM error; 500 and dropped connections are retried", async () => {
    h.emulator.faults.add({ path: "pls1$", times: 10, status: 500 });
    await expect(h.arm.network(SUB).privateLinkServices.get(RG, "pls1")).rejects.toMatchObject({
      statusCode: 500,
    });
    h.emulator.faults.clear();
    h.emulator.faults.add({ path: "pls1$", times: 1, drop: true });
    await expect(h.arm.generic.get(PLS_ID, NET)).resolves.toMatchObject({ name: "pls1" });
  });

  it("adds latency", async () => {
    h.emulator.faults.add({ path: "pls1$", times: 1, latencyMs: 300 });
    const started = Date.now();
    await h.arm.generic.get(PLS_ID, NET);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });
});

describe("emulator mode of the ARM context", () => {
  it("refuses non-loopback and non-https emulator URLs and a missing CA", () => {
    expect(() =>
      armContextFromEnv({ LINKGATE_EMULATOR: "https://10.0.0.5:8443", LINKGATE_EMULATOR_CA: "/dev/null" }),
    ).toThrow(EmulatorConfigError);
    expect(() =>
      armContextFromEnv({ LINKGATE_EMULATOR: "http://127.0.0.1:8443", LINKGATE_EMULATOR_CA: "/dev/null" }),
    ).toThrow(/https/);
    expect(() => armContextFromEnv({ LINKGATE_EMULATOR: "https://127.0.0.1:8443" })).toThrow(
      /LINKGATE_EMULATOR_CA/,
    );
  });

  it("reaches the emulator with the CA it wrote (TLS verification on)", async () => {
    const caFile = path.join(os.tmpdir(), `linkgate-ca-${process.pid}.pem`);
    const h = await harness({ seed: estate(), caFile });
    try {
      const arm = armContextFromEnv({ LINKGATE_EMULATOR: h.emulator.url, LINKGATE_EMULATOR_CA: caFile });
      expect(arm.emulator).toBe(true);
      expect((await arm.network(SUB).privateLinkServices.get(RG, "pls1")).name).toBe("pls1");
      // Without the CA the TLS handshake fails: verification is never switched off.
      const untrusted = createArmContext({
        endpoint: h.emulator.url,
        credential: new StaticTokenCredential(),
        emulator: true,
        retryOptions: { maxRetries: 0 },
      });
      await expect(untrusted.generic.get(PLS_ID, NET)).rejects.toThrow(/certificate/i);
      // Nor with another CA: the extra CA is added to the roots, it does not replace verification.
      const otherCa = createArmContext({
        endpoint: h.emulator.url,
        credential: new StaticTokenCredential(),
        emulator: true,
        extraCaPem: generateCertificates().caPem,
        retryOptions: { maxRetries: 0 },
      });
      await expect(otherCa.generic.get(PLS_ID, NET)).rejects.toThrow(/certificate/i);
    } finally {
      await h.emulator.stop();
    }
  });
});

describe("Resource Graph's readable check leaves counted fault rules to the requests they are meant for", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness({ seed: estate() });
  });
  afterEach(async () => h.emulator.stop());

  const RG_PATH = "/providers/Microsoft.ResourceGraph/resources?api-version=2022-10-01";
  const query = (q: string) =>
    raw(
      h,
      "POST",
      RG_PATH,
      { ...AUTH, "content-type": "application/json" },
      JSON.stringify({ subscriptions: [SUB], query: q }),
    );
  const rows = async (q: string): Promise<unknown[]> => {
    const r = await query(q);
    expect(r.status).toBe(200);
    return (JSON.parse(r.body) as { data: unknown[] }).data;
  };
  const SUBSCRIPTIONS = "ResourceContainers | where type =~ 'microsoft.resources/subscriptions' | project id";

  it("'refuse the next 2 GETs of the subscription': Resource Graph hides it while the rule lives and the 2 GETs are refused", async () => {
    h.emulator.faults.add({
      id: "no-read",
      method: "GET",
      path: `^/subscriptions/${SUB}$`,
      times: 2,
      status: 403,
    });
    expect(await rows(SUBSCRIPTIONS)).toEqual([]);
    expect(await rows("Resources | project id")).toEqual([]);
    expect(h.emulator.faults.list()).toEqual([
      { rule: expect.objectContaining({ id: "no-read" }), hits: 0, remaining: 2 },
    ]);
    const get = () => raw(h, "GET", `/subscriptions/${SUB}?api-version=2022-12-01`, AUTH);
    expect((await get()).status).toBe(403);
    expect((await get()).status).toBe(403);
    expect((await get()).status).toBe(200);
    expect(await rows(SUBSCRIPTIONS)).toEqual([{ id: `/subscriptions/${SUB}` }]);
  });

  it("'fail the next 2 GETs' (any path) is not used up by Resource Graph queries", async () => {
    h.emulator.faults.failNext(2, { method: "GET" }, 503);
    expect(await rows(SUBSCRIPTIONS)).toEqual([{ id: `/subscriptions/${SUB}` }]);
    expect((await rows("Resources | project id")).length).toBeGreaterThan(0);
    const get = () => raw(h, "GET", `${PLS_ID}?api-version=${NET}`, AUTH);
    expect((await get()).status).toBe(503);
    expect((await get()).status).toBe(503);
    expect((await get()).status).toBe(200);
    expect(h.emulator.faults.list()).toEqual([]);
  });

  it("peek reports what match would decide without counting a hit or using up a count", () => {
    const f = h.emulator.faults;
    f.add({ id: "posts", method: "POST", status: 500 });
    f.add({ id: "once", method: "GET", path: "/x$", times: 1, status: 404 });
    expect(f.peek("GET", "/y")).toBeUndefined();
    expect(f.peek("get", "/a/x")).toMatchObject({
      rule: { id: "once" },
      status: 404,
      drop: false,
      latencyMs: 0,
    });
    expect(f.peek("GET", "/a/x")?.rule.id).toBe("once");
    expect(f.list().map((r) => [r.rule.id, r.hits, r.remaining])).toEqual([
      ["posts", 0, Number.POSITIVE_INFINITY],
      ["once", 0, 1],
    ]);
    expect(f.match("GET", "/a/x")?.rule.id).toBe("once");
    expect(f.peek("GET", "/a/x")).toBeUndefined();
  });
});

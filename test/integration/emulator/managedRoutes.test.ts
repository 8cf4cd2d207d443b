/**
 * The managed definitions' routes (src/emulator/managed/routes.ts) page, refuse methods and refuse bad bodies
 * as the emulator's ARM routes do: a client sees one emulator, whichever route serves it.
 */
import { startEmulator, type RunningEmulator } from "../../../src/emulator";
import {
  DATA_FACTORY_VERSION,
  FACTORY_VNET_ID,
  managedEstate,
  PLS_ID,
  PROFILE_ID,
  STORAGE_ID,
  SYNAPSE_DATA_PLANE_VERSION,
} from "../managed/estate";
import { raw } from "./helpers";

const NET = "2024-07-01";
const JSON_AUTH = { authorization: "Bearer test", "content-type": "application/json" };
const MPES = `${FACTORY_VNET_ID}/managedPrivateEndpoints`;
const SYNAPSE_MPES = "/synapse-dev/syn-lake/managedVirtualNetworks/default/managedPrivateEndpoints";

let emu: RunningEmulator;
let connectionId: string;

beforeAll(async () => {
  emu = await startEmulator({ seed: managedEstate(), pageSize: 2 });
  connectionId = emu.managed.createLookalike({
    targetId: PLS_ID,
    requestMessage: "hi",
    location: "westeurope",
  });
  const body = JSON.stringify({ properties: { privateLinkResourceId: STORAGE_ID, groupId: "blob" } });
  for (const name of ["m1", "m2", "m3"])
    for (const [list, version] of [
      [MPES, DATA_FACTORY_VERSION],
      [SYNAPSE_MPES, SYNAPSE_DATA_PLANE_VERSION],
    ]) {
      const put = await raw(
        { emulator: emu },
        "PUT",
        `${list}/${name}?api-version=${version}`,
        JSON_AUTH,
        body,
      );
      expect(put.status).toBe(201);
    }
});
afterAll(async () => emu?.stop());

const call = async (method: string, path: string, body?: string) => {
  const r = await raw({ emulator: emu }, method, path, JSON_AUTH, body);
  return { status: r.status, body: r.body ? (JSON.parse(r.body) as Record<string, unknown>) : undefined };
};
const errorOf = (r: { body?: Record<string, unknown> }) =>
  r.body?.["error"] as { code: string; message: string };

describe("managed routes answer as the ARM routes do", () => {
  test.each([
    ["an ARM definition list", MPES, DATA_FACTORY_VERSION],
    ["Synapse's data plane list", SYNAPSE_MPES, SYNAPSE_DATA_PLANE_VERSION],
  ])(
    "%s is paged with nextLink ($skiptoken) and a bad $skiptoken is refused as an ARM list refuses it",
    async (_, path, version) => {
      const first = await call("GET", `${path}?api-version=${version}`);
      expect(first.status).toBe(200);
      expect((first.body?.["value"] as unknown[]).length).toBe(2);
      expect(first.body?.["nextLink"]).toBe(`${emu.url}${path}?api-version=${version}&$skiptoken=2`);
      const second = await call("GET", String(first.body?.["nextLink"]).slice(emu.url.length));
      expect((second.body?.["value"] as unknown[]).length).toBe(1);
      expect(second.body?.["nextLink"]).toBeUndefined();

      const bad = await call("GET", `${path}?api-version=${version}&$skiptoken=x`);
      const armBad = await call(
        "GET",
        `${PLS_ID}/privateEndpointConnections?api-version=${NET}&$skiptoken=x`,
      );
      expect([bad.status, armBad.status]).toEqual([400, 400]);
      expect(bad.body).toEqual(armBad.body);
    },
  );

  test.each([
    ["an empty body", ""],
    ["a body that is not JSON", "{not json"],
  ])("a definition PUT with %s gets the error a connection PUT gets", async (_, body) => {
    const definition = await call("PUT", `${MPES}/m9?api-version=${DATA_FACTORY_VERSION}`, body);
    const conn = await call("PUT", `${connectionId}?api-version=${NET}`, body);
    expect([definition.status, conn.status]).toEqual([400, 400]);
    expect(errorOf(definition).code).toBe("InvalidRequestContent");
    expect(definition.body).toEqual(conn.body);
  });

  test.each([MPES, `${MPES}/m1`, SYNAPSE_MPES])(
    "%s without an api-version is refused as an ARM GET is",
    async (path) => {
      const r = await call("GET", path);
      const arm = await call("GET", PLS_ID);
      expect([r.status, arm.status]).toEqual([400, 400]);
      expect(errorOf(arm).code).toBe("MissingApiVersionParameter");
      expect(r.body).toEqual(arm.body);
    },
  );

  test("a definition PUT whose body is JSON but not an object is refused", async () => {
    const r = await call("PUT", `${MPES}/m9?api-version=${DATA_FACTORY_VERSION}`, "[]");
    expect(r.status).toBe(400);
    expect(errorOf(r)).toEqual({
      code: "InvalidRequestContent",
      message: expect.stringMatching(/JSON object/),
    });
  });

  test.each([
    ["POST", `${MPES}/m1?api-version=${DATA_FACTORY_VERSION}`],
    ["PATCH", `${PROFILE_ID}?api-version=2024-09-01`],
    ["POST", `${MPES}?api-version=${DATA_FACTORY_VERSION}`],
    ["POST", `${SYNAPSE_MPES}?api-version=${SYNAPSE_DATA_PLANE_VERSION}`],
    ["POST", `${PLS_ID}?api-version=${NET}`],
  ])("%s %s is 405 MethodNotAllowed naming the method and the path", async (method, path) => {
    const r = await call(method, path);
    expect(r.status).toBe(405);
    const e = errorOf(r);
    expect(e.code).toBe("MethodNotAllowed");
    expect(e.message).toContain(`does not serve ${method} on '${path.split("?")[0] ?? ""}'`);
  });
});

/**
 * Issue 13 through the real CLI (bin/linkgate.js → dist/) over the emulator: a Front Door origin's write event
 * handed to `linkgate handle-event` approves its connection by a `managedBy` rule; the look-alike (same request
 * message, no definition) stays Pending under `linkgate reconcile --explain`, whose reasons say so; `linkgate
 * facts` shows the corroborating definition's ID; a Data Factory and an AI Search definition likewise; two
 * connections claiming one definition stay Pending as ambiguous.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { createArmContext, StaticTokenCredential, type ArmContext } from "../../src/adapters/arm/context";
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import {
  FRONT_DOOR_VERSION,
  managedEstate,
  managedPolicy,
  ORIGIN_GROUP_ID,
  originBody,
  PLS_ID,
  putFactorySqlEndpoint,
  putOrigin,
  putSearchBlobLink,
  SQL_ID,
  STORAGE_ID,
  SUB,
} from "../integration/managed/estate";
import { cleanEnv, ensureBuilt, jsonLines, runCli, tempDir } from "./helpers";

const EVENTS = path.resolve(__dirname, "../fixtures/events");
const POLICY = managedPolicy({ synapse: false });

let emu: RunningEmulator;
let arm: ArmContext;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  await ensureBuilt();
  dir = tempDir("managed");
  emu = await startEmulator({ port: 0, caFile: path.join(dir, "ca.pem") });
  arm = createArmContext({
    endpoint: emu.url,
    extraCaPem: emu.caPem,
    credential: new StaticTokenCredential(),
    emulator: true,
  });
  fs.writeFileSync(path.join(dir, "policy.yaml"), POLICY);
  env = cleanEnv({
    LINKGATE_EMULATOR: emu.url,
    LINKGATE_EMULATOR_CA: path.join(dir, "ca.pem"),
    LINKGATE_SUBSCRIPTIONS: SUB,
  });
}, 120_000);

afterAll(async () => {
  await emu?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  emu.state.reset();
  for (const d of managedEstate()) {
    const id = String(d["id"]);
    if (/^\/subscriptions\/[^/]+$/.test(id))
      emu.state.setSubscription(d as { subscriptionId: string; tenantId: string });
    else emu.state.add(d);
  }
});

const cli = (args: string[]) => runCli(args, { env, cwd: dir });

type Conn = {
  id: string;
  properties: { privateLinkServiceConnectionState: { status: string } };
};
const connections = (targetId: string) =>
  emu.state.listCollection(`${targetId}/privateEndpointConnections`) as Conn[];
const status = (c: Conn | undefined) => c?.properties.privateLinkServiceConnectionState.status;

async function handleEvent(fixture: string) {
  const r = await cli(["handle-event", "--policy", "policy.yaml", "--event", path.join(EVENTS, fixture)]);
  expect(r.code).toBe(0);
  return jsonLines(r.stdout);
}

describe("linkgate with managed private endpoints", () => {
  test("a Front Door origin's write event approves its connection; facts name the origin", async () => {
    const origin = `${ORIGIN_GROUP_ID}/origins/o-web`;
    await arm.generic.put(origin, FRONT_DOOR_VERSION, originBody(PLS_ID, "afd web origin"));
    const lines = await handleEvent("resource-write-success.frontdoor-origin.eventgrid.json");
    expect(lines).toEqual([expect.objectContaining({ action: "approve", ruleId: "team-managed-endpoints" })]);
    expect(connections(PLS_ID).map(status)).toEqual(["Approved"]);

    const facts = await cli(["facts", "--connection", connections(PLS_ID)[0]!.id]);
    expect(facts.code).toBe(0);
    expect(facts.stdout).toContain(origin);
  });

  test("the look-alike (same message, no definition) stays Pending and --explain says why", async () => {
    await putOrigin(arm, "afd web origin");
    emu.managed.createLookalike({ targetId: SQL_ID, requestMessage: "afd web origin", groupId: "sqlServer" });
    const r = await cli(["reconcile", "--policy", "policy.yaml", "--resource", SQL_ID, "--explain"]);
    expect(r.code).toBe(0);
    expect(jsonLines(r.stdout)).toEqual([expect.objectContaining({ action: "pending", ruleId: "default" })]);
    expect(r.stderr).toMatch(/no definition read names/);
    expect(connections(SQL_ID).map(status)).toEqual(["Pending"]);
  });

  test("a Data Factory managed private endpoint and an AI Search shared private link are approved by their events", async () => {
    await putFactorySqlEndpoint(arm);
    await putSearchBlobLink(arm);
    expect(await handleEvent("resource-write-success.datafactory-mpe.eventgrid.json")).toEqual([
      expect.objectContaining({ action: "approve" }),
    ]);
    expect(await handleEvent("resource-write-success.search-shared-private-link.eventgrid.json")).toEqual([
      expect.objectContaining({ action: "approve" }),
    ]);
    expect(connections(SQL_ID).map(status)).toEqual(["Approved"]);
    expect(connections(STORAGE_ID).map(status)).toEqual(["Approved"]);
  });

  test("two connections claiming one definition stay Pending as ambiguous", async () => {
    await putOrigin(arm, "afd web origin");
    emu.managed.createLookalike({
      targetId: PLS_ID,
      requestMessage: "afd web origin",
      location: "westeurope",
    });
    const lines = await handleEvent("resource-write-success.frontdoor-origin.eventgrid.json");
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l).toMatchObject({ action: "pending" });
    expect(JSON.stringify(lines)).toMatch(/ambiguous/);
    expect(connections(PLS_ID).map(status)).toEqual(["Pending", "Pending"]);
  });
});

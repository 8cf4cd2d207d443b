/**
 * A managed private endpoint definition's own write event (issue 13) is a hint: the handler re-reads the
 * definition through the ManagedDefinitionReader and reconciles the target it names now; a target outside
 * what the handler may touch is left alone with one log line; reads stay within the event bounds.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { handleEventInput, type HandleEventDeps } from "../../../src/core/events/handle";
import { EVENT_LIMITS } from "../../../src/core/events/limits";
import type { ManagedDefinitionReader, ManagedEndpointDefinition } from "../../../src/ports";
import { approveAll, FakeArm, makeDeps, PLS_ID, policyOf, PROVIDER_SUB } from "../reconcile/fakes";

const FIXTURES = path.join(__dirname, "../../fixtures/events");
const ORIGIN = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-edge/providers/Microsoft.Cdn/profiles/afd-web/originGroups/og-web/origins/o-web`;
const MPE = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-data/providers/Microsoft.DataFactory/factories/adf-etl/managedVirtualNetworks/default/managedPrivateEndpoints/mpe-sql`;
const SPL = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-search/providers/Microsoft.Search/searchServices/srch-docs/sharedPrivateLinkResources/spl-blob`;
const SQL = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-data/providers/Microsoft.Sql/servers/sql-data`;
const FOREIGN_STORAGE =
  "/subscriptions/99999999-9999-9999-9999-999999999999/resourceGroups/x/providers/Microsoft.Storage/storageAccounts/other";

function fixture(name: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), "utf8")) as unknown;
}

class FakeManaged implements ManagedDefinitionReader {
  reads: string[] = [];
  constructor(private readonly defs: Map<string, ManagedEndpointDefinition>) {}
  async listForTarget(): Promise<ManagedEndpointDefinition[]> {
    return [];
  }
  async getDefinition(id: string): Promise<ManagedEndpointDefinition | undefined> {
    this.reads.push(id);
    return this.defs.get(id.toLowerCase());
  }
}

function def(
  service: ManagedEndpointDefinition["service"],
  id: string,
  targetId: string,
): [string, ManagedEndpointDefinition] {
  return [id.toLowerCase(), { service, id, ownerId: id.split("/").slice(0, 9).join("/"), targetId }];
}

function setup(defs: [string, ManagedEndpointDefinition][], withReader = true) {
  const arm = new FakeArm();
  arm.addTarget(PLS_ID);
  arm.addTarget(SQL);
  arm.addConnection(PLS_ID, "p1", "Pending");
  arm.addConnection(SQL, "q1", "Pending");
  const managed = new FakeManaged(new Map(defs));
  const base = makeDeps(arm, policyOf(approveAll));
  const deps: HandleEventDeps & typeof base = {
    ...base,
    ...(withReader ? { managed } : {}),
    supportsTargetType: (t) =>
      [
        "microsoft.network/privatelinkservices",
        "microsoft.sql/servers",
        "microsoft.storage/storageaccounts",
      ].includes(t.toLowerCase()),
    inScope: (id) => id.toLowerCase().startsWith(`/subscriptions/${PROVIDER_SUB}/`),
  };
  return { arm, managed, deps };
}

describe("definition write events", () => {
  it.each([
    ["resource-write-success.frontdoor-origin.eventgrid.json", def("frontDoor", ORIGIN, PLS_ID), PLS_ID],
    ["resource-write-success.datafactory-mpe.eventgrid.json", def("dataFactory", MPE, SQL), SQL],
  ])("%s: re-reads the definition and reconciles the target it names", async (file, entry, target) => {
    const { arm, managed, deps } = setup([entry]);
    const r = await handleEventInput(fixture(file), deps);
    expect(managed.reads).toEqual([entry[1].id]);
    expect(r.events[0]).toMatchObject({ status: "accepted", targets: [target] });
    expect(arm.puts).toHaveLength(1);
  });

  it("a definition naming a target outside the managed subscriptions is ignored with one log line", async () => {
    const { arm, deps } = setup([def("search", SPL, FOREIGN_STORAGE)]);
    const r = await handleEventInput(
      fixture("resource-write-success.search-shared-private-link.eventgrid.json"),
      deps,
    );
    expect(r.events[0]?.targets).toEqual([]);
    expect(arm.puts).toHaveLength(0);
    const lines = deps.logger
      .text()
      .split("\n")
      .filter((l) => l.includes(FOREIGN_STORAGE));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("outside the managed subscriptions");
  });

  it("a definition gone since its write, or no reader configured, reconciles nothing", async () => {
    const gone = setup([]);
    const r = await handleEventInput(
      fixture("resource-write-success.frontdoor-origin.eventgrid.json"),
      gone.deps,
    );
    expect(r.events[0]?.targets).toEqual([]);
    expect(gone.deps.logger.text()).toContain("no longer exists");
    const none = setup([def("frontDoor", ORIGIN, PLS_ID)], false);
    const r2 = await handleEventInput(
      fixture("resource-write-success.frontdoor-origin.eventgrid.json"),
      none.deps,
    );
    expect(r2.events[0]?.targets).toEqual([]);
    expect(none.arm.puts).toHaveLength(0);
  });

  it("definition reads share the invocation's read bound", async () => {
    const { managed, deps } = setup([def("frontDoor", ORIGIN, PLS_ID)]);
    const one = (
      fixture("resource-write-success.frontdoor-origin.eventgrid.json") as Record<string, unknown>[]
    )[0]!;
    const many = Array.from({ length: EVENT_LIMITS.maxEndpointReadsPerInvocation + 3 }, (_, i) => ({
      ...one,
      id: `e-${i}`,
    }));
    const r = await handleEventInput(many, deps);
    expect(managed.reads).toHaveLength(EVENT_LIMITS.maxEndpointReadsPerInvocation);
    expect(r.events.filter((e) => e.targets.length === 0)).toHaveLength(3);
  });
});

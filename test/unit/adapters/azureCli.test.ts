/** The Azure CLI's current subscription: a GUID or nothing, never a guess. */
import { azCliSubscription } from "../../../src/adapters/azureCli";
import { sweepCommand } from "../../../src/cli/commands/sweep";
import { memoryIo } from "../../integration/memoryIo";

describe("azCliSubscription", () => {
  it.each<[string, () => Promise<string>, string | undefined]>([
    [
      "az prints the id",
      () => Promise.resolve("aaaaaaaa-0000-4000-8000-000000000001\n"),
      "aaaaaaaa-0000-4000-8000-000000000001",
    ],
    ["not logged in (az fails)", () => Promise.reject(new Error("Please run 'az login'")), undefined],
    ["not a GUID", () => Promise.resolve("my-subscription\n"), undefined],
    [
      "az missing",
      () => Promise.reject(Object.assign(new Error("spawn az ENOENT"), { code: "ENOENT" })),
      undefined,
    ],
  ])("%s", async (_n, run, expected) => {
    expect(await azCliSubscription(run)).toBe(expected);
  });

  it("asks az account show for the id only", async () => {
    const calls: string[][] = [];
    await azCliSubscription((args) => (calls.push(args), Promise.resolve("")));
    expect(calls).toEqual([["account", "show", "--query", "id", "--output", "tsv"]]);
  });
});

describe("linkgate sweep without --subscription", () => {
  it("says on stderr that it uses the Azure CLI's current subscription (and asks az only when nothing names a scope)", async () => {
    // A malformed setting stops the sweep right after the subscription is chosen: nothing reaches Azure.
    const io = memoryIo({ LINKGATE_MAX_CONCURRENCY: "not-a-number" });
    let asked = 0;
    const code = await sweepCommand(
      io,
      { subscription: [], output: "json", reconcile: false },
      undefined,
      () => {
        asked++;
        return Promise.resolve("aaaaaaaa-0000-4000-8000-000000000001");
      },
    );
    expect(asked).toBe(1);
    expect(io.err()).toContain(
      "linkgate: no --subscription given: sweeping the Azure CLI's current subscription aaaaaaaa-0000-4000-8000-000000000001 (az account show)",
    );
    expect(code).toBe(2);
    expect(io.err()).toContain("LINKGATE_MAX_CONCURRENCY");
    const named = memoryIo({
      LINKGATE_SUBSCRIPTIONS: "aaaaaaaa-0000-4000-8000-000000000002",
      LINKGATE_EMULATOR: "https://127.0.0.1:1",
    });
    await sweepCommand(named, { subscription: [], output: "json", reconcile: false }, undefined, () => {
      asked++;
      return Promise.resolve(undefined);
    });
    expect(asked).toBe(1);
  });
});

import { exampleCategory, exampleFiles, roundTripExample } from "../../../src/emulator/roundTrip";
import { FIXTURES, harness, type Harness } from "./helpers";

describe("every ARM GET example fixture round-trips unchanged through the real SDK", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({ pageSize: 100 }, { maxRetries: 0, retryDelayInMs: 10, maxRetryDelayInMs: 10 });
  });
  afterAll(async () => h.emulator.stop());

  const files = exampleFiles(FIXTURES);

  it("has the fixtures and knows the operation of each", () => {
    expect(files.length).toBeGreaterThanOrEqual(29);
    for (const f of files) expect([f.rel, exampleCategory(f.rel)]).toEqual([f.rel, "get"]);
  });

  it.each(files.map((f) => [f.rel, f.file]))("%s", async (rel, file) => {
    const r = await roundTripExample(file, rel, h.arm, h.emulator.state);
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
  });
});

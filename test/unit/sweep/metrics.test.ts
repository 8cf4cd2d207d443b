import { intervalFor, summarize } from "../../../src/adapters/metrics/azureMonitor";

describe("metric summaries", () => {
  test("totals add up, averages average over grains with a value, maximum is the max", () => {
    expect(
      summarize([
        { timeStamp: "t1", total: 10, average: 20, maximum: 30 },
        { timeStamp: "t2" },
        { timeStamp: "t3", total: 5, average: 40, maximum: 25 },
      ]),
    ).toEqual({ total: 15, average: 30, maximum: 30, points: 2 });
  });

  test("zero traffic is zero with points, no data is no points (unknown, never zero)", () => {
    expect(summarize([{ timeStamp: "t1", total: 0 }])).toEqual({ total: 0, points: 1 });
    expect(summarize([{ timeStamp: "t1" }, { timeStamp: "t2" }])).toEqual({ points: 0 });
    expect(summarize([])).toEqual({ points: 0 });
  });

  test("grain: 5 minutes up to 6 hours, hourly beyond", () => {
    expect(intervalFor(60)).toBe("PT5M");
    expect(intervalFor(360)).toBe("PT5M");
    expect(intervalFor(361)).toBe("PT1H");
  });
});

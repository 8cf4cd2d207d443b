import { ManagedIdentityCredential } from "@azure/identity";
import { createTelemetrySink, entraCredential } from "../../../src/adapters/telemetry/appInsights";
import { nullTelemetry } from "../../../src/ports";
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

describe("App Insights Entra ID credential", () => {
  test("from APPLICATIONINSIGHTS_AUTHENTICATION_STRING: only with Authorization=AAD", () => {
    expect(entraCredential({})).toBeUndefined();
    expect(entraCredential({ APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "ClientId=abc" })).toBeUndefined();
    expect(
      entraCredential({ APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "ClientId=abc;Authorization=AAD" }),
    ).toBeInstanceOf(ManagedIdentityCredential);
    expect(
      entraCredential({ APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "authorization=aad" }),
    ).toBeInstanceOf(ManagedIdentityCredential);
  });

  test("no connection string: a no-op sink; a broken one: a no-op sink and a warning that does not echo it", () => {
    expect(createTelemetrySink({})).toBe(nullTelemetry);
    const warnings: string[] = [];
    const sink = createTelemetrySink(
      { APPLICATIONINSIGHTS_CONNECTION_STRING: "InstrumentationKey=;IngestionEndpoint=::secret::" },
      {
        logger: { info: () => {}, warn: (m) => warnings.push(m), error: () => {} },
      },
    );
    sink.trackEvent("x");
    expect(warnings.join("\n")).not.toContain("secret");
  });
});

/** `--output sarif` validates against the OASIS SARIF 2.1.0 schema (as published by Microsoft's SARIF SDK on npm; see test/fixtures/sarif/validate.ts). */
import { toSarif } from "../../../../src/cli/output/sarif";
import { sarifValidator } from "../../../fixtures/sarif/validate";
import { FINDINGS, finding, PLS, result, view } from "./fixture";

const validate = sarifValidator();

describe("SARIF 2.1.0 schema", () => {
  it.each([
    ["findings of every severity", view()],
    ["no findings", view({}, result([]))],
    [
      "a degraded sweep with errors",
      view({}, result(FINDINGS, { checkErrors: [{ checkId: "x", message: "boom" }] })),
    ],
    ["the package's file: doc base", view({ docBase: "file:///opt/linkgate/" })],
    [
      "odd characters in IDs and messages",
      view({}, result([finding("pls-lb-not-standard", "error", `${PLS} x`, 'a "b" <c> \u0000')])),
    ],
  ])("%s: valid", (_name, v) => {
    expect(validate(toSarif(v))).toEqual([]);
  });

  it("the validator is not a rubber stamp", () => {
    const log = toSarif(view()) as unknown as { runs: { results: { level: string }[] }[] };
    log.runs[0]!.results[0]!.level = "fatal";
    expect(validate(log).join("\n")).toMatch(/level must be equal to one of the allowed values/);
    expect(validate({ version: "2.1.0" }).join("\n")).toMatch(/must have required property 'runs'/);
  });
});

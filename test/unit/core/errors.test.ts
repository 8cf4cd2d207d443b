import * as vm from "node:vm";
import { ArmError, errorMessage, isTransient } from "../../../src/core/errors";

describe("errorMessage", () => {
  it.each([
    ["an Error", new Error("boom"), "boom"],
    ["an error from another realm", vm.runInNewContext('new Error("other realm")') as unknown, "other realm"],
    ["an object with a message", { message: "plain" }, "plain"],
    ["a string", "text", "text"],
    ["null", null, "null"],
  ])("%s", (_name, err, expected) => {
    expect(errorMessage(err)).toBe(expected);
  });
});

describe("ArmError.transient", () => {
  it.each([
    [undefined, true],
    [408, true],
    [429, true],
    [503, true],
    [400, false],
    [404, false],
    [412, false],
  ])("status %p -> %p", (status, transient) => {
    expect(new ArmError("x", status, undefined, undefined).transient).toBe(transient);
    expect(isTransient(new ArmError("x", status, undefined, undefined))).toBe(transient);
  });
});

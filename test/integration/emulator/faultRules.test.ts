/**
 * Request fault rules and operation fault rules check the fields they share (`times`, `path`) alike, each
 * throwing its own error type that names the rule and the field.
 */
import { FaultConfigError, FaultController } from "../../../src/emulator/faults";
import { OperationFaultConfigError, OperationFaultController } from "../../../src/emulator/operationFaults";

const controllers = [
  ["request faults", (r: object) => new FaultController().add({ status: 503, ...r }), FaultConfigError],
  [
    "operation faults",
    (r: object) => new OperationFaultController().add({ outcome: "Failed", ...r }),
    OperationFaultConfigError,
  ],
] as const;

describe.each(controllers)("%s", (_, add, ErrorType) => {
  test.each([
    [{ times: 0 }, /"times" must be a positive integer/],
    [{ times: 1.5 }, /"times" must be a positive integer/],
    [{ times: -2 }, /"times" must be a positive integer/],
    [{ path: "pls1($" }, /"path" is not a valid regular expression/],
  ])("refuses %j", (rule, message) => {
    expect(() => add(rule)).toThrow(ErrorType);
    expect(() => add(rule)).toThrow(message);
  });

  test.each([{ times: 1 }, { times: 3, path: "/privateEndpointConnections/c1$" }, {}])(
    "accepts %j",
    (rule) => {
      expect(add(rule)).toEqual(expect.any(String));
    },
  );
});

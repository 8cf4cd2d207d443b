import { evaluate, REQUEST_MESSAGE_MAX_LENGTH, searchBounded } from "../../../src/core/policy";
import { facts, ruleWhen } from "./helpers";

// Patterns that backtrack catastrophically in a backtracking engine (JavaScript's RegExp). RE2 runs them
// in linear time; these tests assert on the answers, the timing figure lives in scripts/bench-policy.ts.
const HOSTILE = ["^(a+)+$", "^(a|a)*$", "^(a|aa)+$", "(.*a){12}$", "^(\\w+\\s?)*$"];

describe("hostile request messages", () => {
  const big = "a".repeat(100_000);

  it.each(HOSTILE)("%s on 100k characters gives the right answer", (pattern) => {
    // All-a text matches every pattern above; one trailing "!" defeats each, the worst case for backtracking.
    expect(searchBounded(pattern, big, 200_000).kind).toBe("match");
    expect(searchBounded(pattern, `${big}!`, 200_000).kind).toBe("no-match");
  });

  it("does not search text over the bound, and says so without echoing it", () => {
    const p = ruleWhen('{requestMessage: {matches: "^(a+)+$"}}');
    const d = evaluate(p, facts({ requestMessage: `${"a".repeat(100_000)}!` }));
    expect(d.action).toBe("pending");
    expect(d.reasons[0]).toBe(
      `rule r1: requestMessage.matches: request message is 100001 characters, over the ${REQUEST_MESSAGE_MAX_LENGTH} searched`,
    );
  });

  it("searches text at the bound", () => {
    const p = ruleWhen('{requestMessage: {matches: "^(a+)+$"}}');
    expect(evaluate(p, facts({ requestMessage: "a".repeat(REQUEST_MESSAGE_MAX_LENGTH) })).action).toBe(
      "approve",
    );
    expect(
      evaluate(p, facts({ requestMessage: `${"a".repeat(REQUEST_MESSAGE_MAX_LENGTH - 1)}!` })).action,
    ).toBe("pending");
  });

  it.each([
    [
      "newline smuggling does not satisfy an anchored pattern",
      "^CHG[0-9]{7}$",
      "hello\nCHG1234567",
      "no-match",
    ],
    ["(?m) must be asked for explicitly", "(?m)^CHG[0-9]{7}$", "hello\nCHG1234567", "match"],
    ["unicode look-alike digits are not [0-9]", "^CHG[0-9]{7}", "CHG１２３４５６７", "no-match"],
    ["search is unanchored unless the pattern anchors", "CHG[0-9]{7}", "see CHG1234567", "match"],
    ["empty message", "^CHG", "", "no-match"],
  ] as const)("%s", (_name, pattern, text, expected) => {
    expect(searchBounded(pattern, text).kind).toBe(expected);
  });
});

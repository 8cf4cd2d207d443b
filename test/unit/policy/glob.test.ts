import { globMatch } from "../../../src/core/policy";
import { globToRegexSource } from "../../../src/core/policy/glob";

describe("globs", () => {
  it.each([
    ["rg-app-*", "rg-app-orders", true],
    ["rg-app-*", "RG-APP-Orders", true],
    ["rg-app-*", "rg-data-orders", false],
    ["pe-?", "pe-1", true],
    ["pe-?", "pe-12", false],
    ["*", "", true],
    ["*", "a/b", false],
    ["/subscriptions/*/resourceGroups/*", "/subscriptions/s1/resourceGroups/rg1", true],
    ["/subscriptions/*", "/subscriptions/s1/resourceGroups/rg1", false],
    ["/subscriptions/**", "/subscriptions/s1/resourceGroups/rg1", true],
    [
      "/subscriptions/**/namespaces/ns?",
      "/subscriptions/s/resourceGroups/r/providers/Microsoft.Relay/namespaces/ns1",
      true,
    ],
    ["?", "/", false],
    // Regex metacharacters are literal.
    ["a.b", "axb", false],
    ["a.b", "a.b", true],
    ["(x)+[y]", "(x)+[y]", true],
    ["(x)+[y]", "xy", false],
    ["\\d", "\\d", true],
    ["\\d", "1", false],
    ["ünï-*", "ÜNÏ-x", true],
    ["😀*", "😀x", true],
  ] as const)("%s vs %s -> %s", (glob, value, expected) => {
    expect(globMatch(glob, value)).toBe(expected);
  });

  it("emits literals as hex escapes so no character is RE2 syntax", () => {
    expect(globToRegexSource("a.*")).toBe("a\\x{2e}[^/]*");
    expect(globToRegexSource("**/?")).toBe(".*\\x{2f}[^/]");
  });
});

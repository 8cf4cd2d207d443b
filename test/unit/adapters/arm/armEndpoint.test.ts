/**
 * LINKGATE_ARM_ENDPOINT: only the public and sovereign ARM endpoints (loopback only in emulator mode), the
 * token scope following the endpoint's cloud, refused at settings load with the setting and allowed values.
 */
import { ArmEndpointError, resolveArmEndpoint } from "../../../../src/adapters/arm/constants";
import { loadSettings, SettingsError } from "../../../../src/config";

describe("resolveArmEndpoint", () => {
  test.each<[string, string | undefined, string, string]>([
    [
      "unset: public cloud",
      undefined,
      "https://management.azure.com",
      "https://management.azure.com/.default",
    ],
    [
      "public",
      "https://management.azure.com",
      "https://management.azure.com",
      "https://management.azure.com/.default",
    ],
    [
      "public with slash",
      "https://management.azure.com/",
      "https://management.azure.com",
      "https://management.azure.com/.default",
    ],
    [
      "public, upper case, default port",
      "https://MANAGEMENT.azure.com:443",
      "https://management.azure.com",
      "https://management.azure.com/.default",
    ],
    [
      "US Gov",
      "https://management.usgovcloudapi.net",
      "https://management.usgovcloudapi.net",
      "https://management.usgovcloudapi.net/.default",
    ],
    [
      "China",
      "https://management.chinacloudapi.cn/",
      "https://management.chinacloudapi.cn",
      "https://management.chinacloudapi.cn/.default",
    ],
  ])("%s", (_name, value, endpoint, scope) => {
    expect(resolveArmEndpoint(value)).toMatchObject({ endpoint, scope });
  });

  test.each<[string, string, RegExp]>([
    ["another host", "https://evil.example.com", /not an Azure Resource Manager endpoint/],
    [
      "a look-alike suffix",
      "https://management.azure.com.evil.example.com",
      /not an Azure Resource Manager endpoint/,
    ],
    ["plain http", "http://management.azure.com", /must use https/],
    ["another port", "https://management.azure.com:8443", /not an Azure Resource Manager endpoint/],
    ["a path", "https://management.azure.com/x", /origin only/],
    ["a query", "https://management.azure.com/?x=1", /origin only/],
    ["credentials", "https://u:p@management.azure.com", /credentials/],
    ["not a URL", "management.azure.com", /not a URL/],
    [
      "Azure Germany (closed)",
      "https://management.microsoftazure.de",
      /not an Azure Resource Manager endpoint/,
    ],
    ["loopback outside emulator mode", "https://127.0.0.1:8443", /only allowed in emulator mode/],
  ])("refuses %s", (_name, value, why) => {
    let err: unknown;
    try {
      resolveArmEndpoint(value);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ArmEndpointError);
    const message = (err as Error).message;
    expect(message).toMatch(why);
    expect(message).toContain("LINKGATE_ARM_ENDPOINT");
    expect(message).toContain("https://management.azure.com, https://management.usgovcloudapi.net");
  });

  test("emulator mode accepts https loopback, and still refuses other hosts", () => {
    expect(resolveArmEndpoint("https://127.0.0.1:8443", { emulator: true })).toMatchObject({
      endpoint: "https://127.0.0.1:8443",
      cloud: "emulator",
    });
    expect(() => resolveArmEndpoint("https://10.0.0.5:8443", { emulator: true })).toThrow(
      /127\.0\.0\.1:PORT \(emulator mode\)/,
    );
    expect(() => resolveArmEndpoint("http://127.0.0.1:8443", { emulator: true })).toThrow(/https/);
  });
});

describe("loadSettings checks LINKGATE_ARM_ENDPOINT at start-up", () => {
  test("https://evil.example.com is refused, naming the setting and the allowed values", () => {
    expect(() => loadSettings({ LINKGATE_ARM_ENDPOINT: "https://evil.example.com" })).toThrow(SettingsError);
    expect(() => loadSettings({ LINKGATE_ARM_ENDPOINT: "https://evil.example.com" })).toThrow(
      /setting LINKGATE_ARM_ENDPOINT: "https:\/\/evil\.example\.com" is not an Azure Resource Manager endpoint; allowed: https:\/\/management\.azure\.com/,
    );
  });

  test("the US Gov endpoint is accepted with its own scope", () => {
    expect(loadSettings({ LINKGATE_ARM_ENDPOINT: "https://management.usgovcloudapi.net/" })).toMatchObject({
      armEndpoint: "https://management.usgovcloudapi.net",
      armScope: "https://management.usgovcloudapi.net/.default",
    });
  });

  test("loopback only with LINKGATE_EMULATOR set", () => {
    expect(() => loadSettings({ LINKGATE_ARM_ENDPOINT: "https://127.0.0.1:9" })).toThrow(/emulator mode/);
    expect(
      loadSettings({
        LINKGATE_ARM_ENDPOINT: "https://127.0.0.1:9",
        LINKGATE_EMULATOR: "https://127.0.0.1:9",
      }),
    ).toMatchObject({ armEndpoint: "https://127.0.0.1:9" });
  });
});

/**
 * The ARM context asks for the token of the endpoint's own cloud, on both clients, and refuses to be built
 * for any other host. The credential records the scopes and refuses, so nothing leaves the machine.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import { armContextFromEnv, createArmContext } from "../../../../src/adapters/arm/context";

class RecordingCredential implements TokenCredential {
  readonly scopes: string[] = [];
  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken | null> {
    this.scopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    throw new Error("recording credential: no token");
  }
}

const PLS =
  "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/pls1";

describe("token scope follows the endpoint", () => {
  test.each([
    ["https://management.azure.com", "https://management.azure.com/.default"],
    ["https://management.usgovcloudapi.net", "https://management.usgovcloudapi.net/.default"],
    ["https://management.chinacloudapi.cn/", "https://management.chinacloudapi.cn/.default"],
  ])("%s asks for %s on the generic and the network client", async (endpoint, scope) => {
    const credential = new RecordingCredential();
    const arm = createArmContext({ endpoint, credential, retryOptions: { maxRetries: 0 } });
    expect(arm.scope).toBe(scope);
    await expect(arm.generic.get(PLS, "2024-05-01")).rejects.toThrow(/no token/);
    await expect(
      arm.network("11111111-1111-1111-1111-111111111111").privateLinkServices.get("rg", "pls1"),
    ).rejects.toThrow(/no token/);
    expect(credential.scopes).toEqual([scope, scope]);
  });
});

describe("the context refuses other hosts", () => {
  test("createArmContext and armContextFromEnv refuse https://evil.example.com", () => {
    expect(() =>
      createArmContext({ endpoint: "https://evil.example.com", credential: new RecordingCredential() }),
    ).toThrow(/LINKGATE_ARM_ENDPOINT.*not an Azure Resource Manager endpoint/);
    expect(() => armContextFromEnv({ LINKGATE_ARM_ENDPOINT: "https://evil.example.com" })).toThrow(
      /LINKGATE_ARM_ENDPOINT/,
    );
  });

  test("a loopback endpoint needs emulator mode", () => {
    expect(() =>
      createArmContext({ endpoint: "https://127.0.0.1:9", credential: new RecordingCredential() }),
    ).toThrow(/only allowed in emulator mode/);
    expect(
      createArmContext({
        endpoint: "https://127.0.0.1:9",
        credential: new RecordingCredential(),
        emulator: true,
      }).endpoint,
    ).toBe("https://127.0.0.1:9");
  });
});

describe("one retry policy on both clients", () => {
  test("the SDK's default retry policy is replaced by linkgate's on the network client", () => {
    const arm = createArmContext({ credential: new RecordingCredential() });
    const names = arm
      .network("11111111-1111-1111-1111-111111111111")
      .pipeline.getOrderedPolicies()
      .map((p) => p.name);
    expect(names).toContain("linkgateRetryPolicy");
    expect(names).not.toContain("defaultRetryPolicy");
  });
});

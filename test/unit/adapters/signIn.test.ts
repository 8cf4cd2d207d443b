/** The CLI's sign-in preflight: one short line naming what to do, never the credential chain's text or a token. */
import type { TokenCredential } from "@azure/core-auth";
import { checkSignIn } from "../../../src/adapters/arm/signIn";

const failing = (message: string): TokenCredential => ({
  getToken: () => Promise.reject(new Error(message)),
});
const working: TokenCredential = {
  getToken: () => Promise.resolve({ token: "secret-token", expiresOnTimestamp: 1 }),
};
const hanging: TokenCredential = {
  getToken: (_s, o) =>
    new Promise((_resolve, reject) =>
      o?.abortSignal?.addEventListener("abort", () => reject(new Error("aborted"))),
    ),
};

describe("checkSignIn", () => {
  it("is silent when a token comes back, and in emulator mode without asking", async () => {
    expect(await checkSignIn({}, () => working)).toBeUndefined();
    expect(
      await checkSignIn({ LINKGATE_EMULATOR: "https://127.0.0.1:1" }, () => failing("never asked")),
    ).toBeUndefined();
  });

  it.each<[string, NodeJS.ProcessEnv, RegExp]>([
    ["on a workstation: az login", {}, /^cannot sign in to Azure: run "az login"/],
    [
      "in Azure: the managed identity setting",
      { IDENTITY_ENDPOINT: "http://x" },
      /managed identity: set AZURE_CLIENT_ID/,
    ],
  ])("%s", async (_name, env, advice) => {
    const chain = `ChainedTokenCredential authentication failed. ${"CredentialUnavailableError: ... ".repeat(100)}`;
    const line = await checkSignIn(env, () => failing(chain));
    expect(line).toMatch(advice);
    expect(line).not.toContain("\n");
    expect(line).not.toContain("CredentialUnavailableError");
    expect((line ?? "").length).toBeLessThan(220);
  });

  it("gives up after its timeout", async () => {
    expect(await checkSignIn({}, () => hanging, 50)).toMatch(/az login/);
  });

  it("asks for the configured cloud's ARM scope", async () => {
    const scopes: string[] = [];
    const spy: TokenCredential = {
      getToken: (s) => (scopes.push(String(s)), Promise.resolve({ token: "t", expiresOnTimestamp: 1 })),
    };
    await checkSignIn({ LINKGATE_ARM_ENDPOINT: "https://management.usgovcloudapi.net" }, () => spy);
    expect(scopes).toEqual([expect.stringContaining("management.usgovcloudapi.net")]);
  });
});

/**
 * Sign-in preflight for the CLI: one token request for ARM before a command reads the estate, so a missing or
 * expired sign-in is one short line naming what to do, not the credential chain's kilobytes repeated for every
 * subscription. Emulator mode needs no sign-in. Never logs a token.
 */
import type { TokenCredential } from "@azure/core-auth";
import { resolveArmEndpoint } from "./constants";
import { defaultCredential } from "./context";

export const SIGN_IN_TIMEOUT_MS = 30_000;

/** The one-line message for a failed sign-in, by where linkgate runs. */
export function signInAdvice(env: NodeJS.ProcessEnv): string {
  const inAzure = !!env["WEBSITE_INSTANCE_ID"] || !!env["IDENTITY_ENDPOINT"];
  return inAzure
    ? "cannot sign in to Azure with the managed identity: set AZURE_CLIENT_ID to the client ID of the user-assigned identity the app runs as"
    : 'cannot sign in to Azure: run "az login" (or set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET for a service principal); AZURE_LOG_LEVEL=info shows why each credential failed';
}

/** Undefined when signed in (or in emulator mode); otherwise the one line to print. */
export async function checkSignIn(
  env: NodeJS.ProcessEnv,
  credential: () => TokenCredential = () => defaultCredential(env),
  timeoutMs = SIGN_IN_TIMEOUT_MS,
): Promise<string | undefined> {
  if (env["LINKGATE_EMULATOR"]) return undefined;
  const { scope } = resolveArmEndpoint(env["LINKGATE_ARM_ENDPOINT"], { emulator: false });
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const token = await credential().getToken(scope, { abortSignal: abort.signal });
    return token?.token ? undefined : signInAdvice(env);
  } catch {
    return signInAdvice(env);
  } finally {
    clearTimeout(timer);
  }
}

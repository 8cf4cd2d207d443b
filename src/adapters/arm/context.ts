/**
 * How linkgate reaches ARM: one credential, one endpoint, one token scope, one retry policy shared by the
 * real `@azure/arm-network` client and the generic client used for every other provider.
 *
 * - In Azure (Functions host): ManagedIdentityCredential (user-assigned when AZURE_CLIENT_ID is set).
 * - Locally: DefaultAzureCredential.
 * - The endpoint is one of the public or sovereign ARM endpoints (constants.ts) and the token is asked
 *   for that cloud's own ARM audience; anything else is refused when the context is built.
 * - Emulator mode (LINKGATE_EMULATOR=https://127.0.0.1:PORT, LINKGATE_EMULATOR_CA=FILE): a static token,
 *   the emulator's CA trusted *besides* the system roots, and only loopback addresses accepted. TLS
 *   verification stays on.
 * - Retries (retry.ts): the SDK's retryPolicy with linkgate's strategy (Retry-After in both forms) and,
 *   when the composition root asks for it (the Event Grid path), a retry budget.
 */
import * as fs from "node:fs";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import type { NetworkManagementClient } from "@azure/arm-network";
import { trustAlso } from "../tls";
import type { PipelinePolicy, PipelineRetryOptions, TlsSettings } from "@azure/core-rest-pipeline";
import { GenericArmClient, type LroOptions } from "./genericClient";
import { isLoopbackHost, resolveArmEndpoint } from "./constants";
import { armRetryPolicy, useArmRetryPolicy, withRetryBudget } from "./retry";

export { ARM_ENDPOINT, ARM_SCOPE, isLoopbackHost } from "./constants";

/**
 * Retry budget of the Event Grid path: a delivery fails fast (transient) rather than wait past it, so it
 * ends well inside Event Grid's 30 s delivery timeout and Event Grid's own retry carries the event.
 */
export const EVENT_PATH_RETRY_BUDGET_IN_MS = 10_000;

export interface ArmContextOptions {
  /** ARM endpoint: a public or sovereign ARM endpoint, or (emulator mode only) https loopback. */
  endpoint?: string;
  credential?: TokenCredential;
  /** Extra CA certificates (PEM) to trust besides the system roots. */
  extraCaPem?: string;
  /** Retry count and back-off (Retry-After is honoured as ARM sends it). */
  retryOptions?: PipelineRetryOptions;
  /**
   * Total time one operation may spend (its retries, their waits and a write's polls included) when the
   * caller opened no budget scope (`withRetryBudget`). Unset: no budget (sweep, CLI).
   */
  retryBudgetInMs?: number;
  /** How long-running writes are followed (poll floor, ceiling, timeout). */
  lro?: LroOptions;
  /** Subscription the network client is bound to; per-call subscription IDs come from resource IDs. */
  subscriptionId?: string;
}

export interface ArmContext {
  readonly endpoint: string;
  /** Token scope: the ARM audience of the endpoint's cloud. */
  readonly scope: string;
  readonly credential: TokenCredential;
  readonly emulator: boolean;
  /** Options to hand to any Azure SDK client so it shares endpoint, scope, TLS trust and retry settings. */
  readonly clientOptions: {
    endpoint: string;
    tlsOptions?: TlsSettings;
    retryOptions?: PipelineRetryOptions;
    credentials: { scopes: string[] };
  };
  /** linkgate's retry policy; install it on any other pipeline with retry.ts useArmRetryPolicy. */
  readonly retryPolicy: PipelinePolicy;
  readonly generic: GenericArmClient;
  /** A Microsoft.Network client bound to a subscription (clients are cached per subscription). */
  network(subscriptionId: string): NetworkManagementClient;
  /** Runs `fn` with one retry budget shared by all its ARM requests (see retry.ts). */
  withRetryBudget<T>(totalInMs: number, fn: () => Promise<T>): Promise<T>;
}

export class EmulatorConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EmulatorConfigError";
  }
}

/** A credential that hands out a fixed token. Only for the emulator, which accepts any bearer token. */
export class StaticTokenCredential implements TokenCredential {
  constructor(private readonly token = "linkgate-emulator-token") {}
  async getToken(): Promise<AccessToken> {
    return { token: this.token, expiresOnTimestamp: Date.now() + 3600_000 };
  }
}

/** Validates LINKGATE_EMULATOR: https and loopback only, so a misconfiguration can never send our static token elsewhere. */
export function parseEmulatorUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new EmulatorConfigError(
      `LINKGATE_EMULATOR="${value}" is not a URL: expected https://127.0.0.1:PORT`,
    );
  }
  if (url.protocol !== "https:") {
    throw new EmulatorConfigError(
      `LINKGATE_EMULATOR="${value}" must use https (the emulator serves TLS with its own CA)`,
    );
  }
  if (!isLoopbackHost(url.hostname)) {
    throw new EmulatorConfigError(
      `LINKGATE_EMULATOR="${value}" is not a loopback address: emulator mode only talks to 127.0.0.0/8, ::1 or localhost`,
    );
  }
  return url.origin;
}

export function createArmContext(options: ArmContextOptions & { emulator?: boolean } = {}): ArmContext {
  const emulator = options.emulator ?? false;
  const resolved = resolveArmEndpoint(options.endpoint, {
    emulator,
    setting: emulator ? "LINKGATE_EMULATOR" : "LINKGATE_ARM_ENDPOINT",
  });
  const endpoint = resolved.endpoint;
  const scope = resolved.scope;
  const credential = options.credential ?? defaultCredential();
  const tlsOptions: TlsSettings | undefined = options.extraCaPem ? trustAlso(options.extraCaPem) : undefined;
  const retryPolicy = armRetryPolicy({
    ...options.retryOptions,
    retryBudgetInMs: options.retryBudgetInMs,
  });
  const clientOptions = {
    endpoint,
    tlsOptions,
    retryOptions: options.retryOptions,
    credentials: { scopes: [scope] },
  };
  const generic = new GenericArmClient(endpoint, credential, {
    tlsOptions,
    retryPolicy,
    scope,
    lro: options.lro,
    retryBudgetInMs: options.retryBudgetInMs,
  });
  const networkClients = new Map<string, NetworkManagementClient>();
  return {
    endpoint,
    scope,
    credential,
    emulator,
    clientOptions,
    retryPolicy,
    generic,
    network(subscriptionId: string): NetworkManagementClient {
      const key = subscriptionId.toLowerCase();
      let c = networkClients.get(key);
      if (!c) {
        // Loaded by the first Private Link Service read, not with the app (cold start: docs/performance.md).
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const sdk = require("@azure/arm-network") as typeof import("@azure/arm-network");
        c = new sdk.NetworkManagementClient(credential, subscriptionId, clientOptions);
        useArmRetryPolicy(c.pipeline, retryPolicy);
        networkClients.set(key, c);
      }
      return c;
    },
    withRetryBudget: (totalInMs, fn) => withRetryBudget(totalInMs, fn),
  };
}

/**
 * Managed identity inside Azure Functions, the developer's credential chain elsewhere. `clientId` (a
 * user-assigned identity) overrides AZURE_CLIENT_ID and asks for managed identity wherever it runs.
 */
export function defaultCredential(
  env: NodeJS.ProcessEnv = process.env,
  clientIdOverride?: string,
): TokenCredential {
  // Loaded when a credential is first built (emulator mode never needs it): cold start, docs/performance.md.
  const { DefaultAzureCredential, ManagedIdentityCredential } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require("@azure/identity") as typeof import("@azure/identity");
  if (clientIdOverride) return new ManagedIdentityCredential({ clientId: clientIdOverride });
  const inAzure = !!env["WEBSITE_INSTANCE_ID"] || !!env["IDENTITY_ENDPOINT"];
  if (inAzure) {
    const clientId = env["AZURE_CLIENT_ID"];
    return clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
  }
  return new DefaultAzureCredential();
}

/**
 * Builds the context from the environment: emulator mode when LINKGATE_EMULATOR is set, Azure otherwise.
 */
export function armContextFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  overrides: ArmContextOptions = {},
): ArmContext {
  const emulator = env["LINKGATE_EMULATOR"];
  if (emulator) {
    const endpoint = parseEmulatorUrl(emulator);
    // Unused in emulator mode, but a value pointing elsewhere is still a misconfiguration to refuse.
    resolveArmEndpoint(env["LINKGATE_ARM_ENDPOINT"], { emulator: true });
    const caFile = env["LINKGATE_EMULATOR_CA"];
    if (!caFile) {
      throw new EmulatorConfigError(
        "LINKGATE_EMULATOR is set but LINKGATE_EMULATOR_CA is not: point it at the CA file the emulator wrote (--ca-out)",
      );
    }
    let pem: string;
    try {
      pem = fs.readFileSync(caFile, "utf8");
    } catch (e) {
      throw new EmulatorConfigError(
        `LINKGATE_EMULATOR_CA="${caFile}" cannot be read: ${(e as Error).message}`,
      );
    }
    if (!pem.includes("BEGIN CERTIFICATE")) {
      throw new EmulatorConfigError(`LINKGATE_EMULATOR_CA="${caFile}" holds no PEM certificate`);
    }
    return createArmContext({
      ...overrides,
      endpoint,
      extraCaPem: pem,
      credential: overrides.credential ?? new StaticTokenCredential(),
      emulator: true,
    });
  }
  // Validated here too (createArmContext refuses any other host), not only in loadSettings: a context
  // built without settings must not be a way around the allow-list.
  return createArmContext({ ...overrides, endpoint: overrides.endpoint ?? env["LINKGATE_ARM_ENDPOINT"] });
}

/**
 * How linkgate reaches ARM: one credential, one endpoint, one set of pipeline options shared by the real
 * `@azure/arm-network` client and the generic client used for every other provider.
 *
 * - In Azure (Functions host): ManagedIdentityCredential (user-assigned when AZURE_CLIENT_ID is set).
 * - Locally: DefaultAzureCredential.
 * - Emulator mode (LINKGATE_EMULATOR=https://127.0.0.1:PORT, LINKGATE_EMULATOR_CA=FILE): a static token,
 *   the emulator's CA trusted *besides* the system roots, and only loopback addresses accepted. TLS
 *   verification stays on.
 */
import * as fs from "node:fs";
import * as tls from "node:tls";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import { NetworkManagementClient } from "@azure/arm-network";
import type { PipelineRetryOptions, TlsSettings } from "@azure/core-rest-pipeline";
import { GenericArmClient } from "./genericClient";

import { ARM_ENDPOINT } from "./constants";
export { ARM_ENDPOINT, ARM_SCOPE } from "./constants";

export interface ArmContextOptions {
  /** ARM endpoint. Default https://management.azure.com. */
  endpoint?: string;
  credential?: TokenCredential;
  /** Extra CA certificates (PEM) to trust besides the system roots. */
  extraCaPem?: string;
  retryOptions?: PipelineRetryOptions;
  /** Subscription the network client is bound to; per-call subscription IDs come from resource IDs. */
  subscriptionId?: string;
}

export interface ArmContext {
  readonly endpoint: string;
  readonly credential: TokenCredential;
  readonly emulator: boolean;
  /** Options to hand to any Azure SDK client so it shares endpoint, TLS trust and retry settings. */
  readonly clientOptions: { endpoint: string; tlsOptions?: TlsSettings; retryOptions?: PipelineRetryOptions };
  readonly generic: GenericArmClient;
  /** A Microsoft.Network client bound to a subscription (clients are cached per subscription). */
  network(subscriptionId: string): NetworkManagementClient;
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

const LOOPBACK_V4 = /^127(\.\d{1,3}){3}$/;

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || LOOPBACK_V4.test(h);
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
  const endpoint = (options.endpoint ?? ARM_ENDPOINT).replace(/\/+$/, "");
  const credential = options.credential ?? defaultCredential();
  const tlsOptions: TlsSettings | undefined = options.extraCaPem
    ? { ca: [...tls.rootCertificates, options.extraCaPem] }
    : undefined;
  const clientOptions = { endpoint, tlsOptions, retryOptions: options.retryOptions };
  const generic = new GenericArmClient(endpoint, credential, clientOptions);
  const networkClients = new Map<string, NetworkManagementClient>();
  return {
    endpoint,
    credential,
    emulator: options.emulator ?? false,
    clientOptions,
    generic,
    network(subscriptionId: string): NetworkManagementClient {
      const key = subscriptionId.toLowerCase();
      let c = networkClients.get(key);
      if (!c) {
        c = new NetworkManagementClient(credential, subscriptionId, clientOptions);
        networkClients.set(key, c);
      }
      return c;
    },
  };
}

/** Managed identity inside Azure Functions, the developer's credential chain elsewhere. */
export function defaultCredential(env: NodeJS.ProcessEnv = process.env): TokenCredential {
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
  return createArmContext({ ...overrides, endpoint: overrides.endpoint ?? env["LINKGATE_ARM_ENDPOINT"] });
}

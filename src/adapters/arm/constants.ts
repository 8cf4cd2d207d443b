/**
 * The ARM endpoints linkgate may send its managed identity's token to. Anything else is refused at start-up:
 * a bearer token for ARM is the power to approve network access, and an endpoint setting must never be a
 * way to hand it to another host.
 *
 * Endpoints and token audiences as the Azure SDKs define them (azure-sdk-for-js `cloudSettingHelpers`
 * getArmEndpoint, azure_core `resource_manager_endpoint`, Microsoft's sovereign-cloud samples which ask
 * for `<resource manager>/.default`). Azure Germany (management.microsoftazure.de) closed in 2021 and is
 * not accepted.
 */
export const ARM_ENDPOINT = "https://management.azure.com";
export const ARM_SCOPE = "https://management.azure.com/.default";

export interface ArmCloud {
  name: string;
  /** Origin of Resource Manager, no trailing slash. */
  endpoint: string;
  /** Scope to ask Entra ID for: the cloud's own ARM audience. */
  scope: string;
}

export const ARM_CLOUDS: readonly ArmCloud[] = [
  { name: "AzureCloud", endpoint: ARM_ENDPOINT, scope: ARM_SCOPE },
  {
    name: "AzureUSGovernment",
    endpoint: "https://management.usgovcloudapi.net",
    scope: "https://management.usgovcloudapi.net/.default",
  },
  {
    name: "AzureChinaCloud",
    endpoint: "https://management.chinacloudapi.cn",
    scope: "https://management.chinacloudapi.cn/.default",
  },
];

export class ArmEndpointError extends Error {
  constructor(
    readonly setting: string,
    /** What is wrong and what is allowed, without the setting's name. */
    readonly detail: string,
  ) {
    super(`setting ${setting}: ${detail}`);
    this.name = "ArmEndpointError";
  }
}

const LOOPBACK_V4 = /^127(\.\d{1,3}){3}$/;

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || LOOPBACK_V4.test(h);
}

function allowedList(emulator: boolean): string {
  const clouds = ARM_CLOUDS.map((c) => c.endpoint).join(", ");
  return emulator ? `${clouds}, or https://127.0.0.1:PORT (emulator mode)` : clouds;
}

export interface ResolvedArmEndpoint {
  /** Origin to send requests to. */
  endpoint: string;
  /** Token scope for that endpoint. */
  scope: string;
  /** The cloud's name, or "emulator". */
  cloud: string;
}

/**
 * Checks an ARM endpoint setting: one of ARM_CLOUDS exactly (https, default port, no path, query or
 * credentials), or, only when `emulator` is true, an https loopback address. Throws an ArmEndpointError
 * naming `setting` and the allowed values otherwise.
 */
export function resolveArmEndpoint(
  value: string | undefined,
  options: { emulator?: boolean; setting?: string } = {},
): ResolvedArmEndpoint {
  const setting = options.setting ?? "LINKGATE_ARM_ENDPOINT";
  const emulator = options.emulator ?? false;
  const raw = (value ?? "").trim();
  if (raw === "") {
    return { endpoint: ARM_ENDPOINT, scope: ARM_SCOPE, cloud: "AzureCloud" };
  }
  const refuse = (why: string): never => {
    throw new ArmEndpointError(setting, `"${raw.slice(0, 200)}" ${why}; allowed: ${allowedList(emulator)}`);
  };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse("is not a URL");
  }
  if (url.protocol !== "https:") refuse("must use https");
  if (url.username || url.password) refuse("must not carry credentials");
  if (url.search || url.hash || (url.pathname !== "/" && url.pathname !== "")) {
    refuse("must be an origin only (no path, query or fragment)");
  }
  if (emulator && isLoopbackHost(url.hostname)) {
    return { endpoint: url.origin, scope: ARM_SCOPE, cloud: "emulator" };
  }
  const cloud = ARM_CLOUDS.find((c) => c.endpoint === url.origin.toLowerCase());
  if (!cloud) {
    return refuse(
      isLoopbackHost(url.hostname)
        ? "is a loopback address, which is only allowed in emulator mode (LINKGATE_EMULATOR)"
        : "is not an Azure Resource Manager endpoint",
    );
  }
  return { endpoint: cloud.endpoint, scope: cloud.scope, cloud: cloud.name };
}

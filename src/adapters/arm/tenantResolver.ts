/**
 * Tenant discovery (the TenantResolver port): asks ARM an unauthenticated `GET /subscriptions/{id}` and
 * reads the tenant from the 401's `WWW-Authenticate: Bearer authorization_uri="https://login.../{tenant}"`.
 */
import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  type HttpClient,
  type Pipeline,
} from "@azure/core-rest-pipeline";
import { ArmError } from "../../core/errors";
import type { OperationOptions, TenantResolver } from "../../ports";
import { API_VERSIONS } from "./apiVersions";
import type { ArmContext } from "./context";
import { toArmError } from "./genericClient";

export interface ArmApprovalAdapterOptions {
  /** How long a discovered tenant is remembered. Default 1 hour. */
  tenantCacheTtlInMs?: number;
  /** How long "no tenant could be learned" is remembered. Default 5 minutes. */
  tenantNegativeCacheTtlInMs?: number;
  now?: () => number;
}

const TENANT_IN_AUTH_URI =
  /authorization_uri="https:\/\/[^/"]+\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i;

/** The tenant GUID in a `WWW-Authenticate` header value, if it names one. */
export function tenantFromWwwAuthenticate(header: string | undefined): string | undefined {
  const m = header ? TENANT_IN_AUTH_URI.exec(header) : null;
  return m?.[1]?.toLowerCase();
}

/**
 * Tenant discovery through ARM's unauthenticated 401. Cached per subscription. A definitive "cannot tell"
 * (no or unreadable header, unexpected status) is cached briefly and answers undefined: tenant conditions
 * then do not match. A network failure or 5xx throws a transient ArmError instead, so a flaky moment never
 * turns into a decision taken on a missing fact.
 */
export class ArmTenantResolver implements TenantResolver {
  private readonly cache = new Map<string, { tenantId: string | undefined; expiresAt: number }>();
  private readonly pipeline: Pipeline;
  private readonly http: HttpClient;
  private readonly ttl: number;
  private readonly negativeTtl: number;
  private readonly now: () => number;

  constructor(
    private readonly ctx: Pick<ArmContext, "endpoint" | "clientOptions">,
    options: ArmApprovalAdapterOptions = {},
  ) {
    // No bearer policy on purpose: the point is to ask without credentials. TLS settings (the emulator's
    // CA) and retries are the same as every other ARM call.
    this.pipeline = createPipelineFromOptions({
      tlsOptions: ctx.clientOptions.tlsOptions,
      retryOptions: ctx.clientOptions.retryOptions,
      userAgentOptions: { userAgentPrefix: "linkgate" },
    });
    this.http = createDefaultHttpClient();
    this.ttl = options.tenantCacheTtlInMs ?? 3_600_000;
    this.negativeTtl = options.tenantNegativeCacheTtlInMs ?? 300_000;
    this.now = options.now ?? Date.now;
  }

  async tenantOfSubscription(
    subscriptionId: string,
    options: OperationOptions = {},
  ): Promise<string | undefined> {
    const key = subscriptionId.toLowerCase();
    const hit = this.cache.get(key);
    if (hit && hit.expiresAt > this.now()) return hit.tenantId;
    const path = `/subscriptions/${encodeURIComponent(subscriptionId)}`;
    const request = createPipelineRequest({
      url: `${this.ctx.endpoint}${path}?api-version=${API_VERSIONS["subscriptions"]}`,
      method: "GET",
      headers: createHttpHeaders({ accept: "application/json" }),
      abortSignal: options.abortSignal,
      tlsSettings: this.ctx.clientOptions.tlsOptions,
    });
    let status: number;
    let header: string | undefined;
    try {
      const res = await this.pipeline.sendRequest(this.http, request);
      status = res.status;
      header = res.headers.get("www-authenticate");
    } catch (e) {
      throw toArmError(e, path);
    }
    if (status >= 500 || status === 429 || status === 408) {
      throw new ArmError(`${path}: tenant discovery answered ${status}`, status, undefined, path);
    }
    const tenantId = status === 401 ? tenantFromWwwAuthenticate(header) : undefined;
    this.cache.set(key, { tenantId, expiresAt: this.now() + (tenantId ? this.ttl : this.negativeTtl) });
    return tenantId;
  }
}

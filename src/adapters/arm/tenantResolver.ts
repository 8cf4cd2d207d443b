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
import { useArmRetryPolicy } from "./retry";

export interface TenantResolverOptions {
  /** How long a discovered tenant is remembered. Default 1 hour. "Unknown" is never remembered. */
  tenantCacheTtlInMs?: number;
  /** Upper bound on one discovery request (a hung request would hold every caller sharing it). Default 10 s. */
  requestTimeoutInMs?: number;
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
 * Tenant discovery through ARM's unauthenticated 401, per subscription.
 * - A tenant learned is cached for `tenantCacheTtlInMs` (subscriptions do move tenants, rarely).
 * - "Cannot tell" (403, 404, a 401 without a readable header, any other status) answers undefined and is
 *   NOT cached: an unknown tenant is not an answer, the policy then leaves the request pending
 *   (unknown-facts), and the next attempt (redelivery, sweep) asks ARM again.
 * - A network failure, timeout, 408, 429 or 5xx throws a transient ArmError, so a flaky moment never turns
 *   into a decision taken on a missing fact.
 * - Concurrent callers for the same subscription share one request (no stampede of identical GETs).
 */
export class ArmTenantResolver implements TenantResolver {
  private readonly cache = new Map<string, { tenantId: string; expiresAt: number }>();
  private readonly inFlight = new Map<string, Promise<string | undefined>>();
  private readonly pipeline: Pipeline;
  private readonly http: HttpClient;
  private readonly ttl: number;
  private readonly timeout: number;
  private readonly now: () => number;

  constructor(
    private readonly ctx: Pick<ArmContext, "endpoint" | "clientOptions"> &
      Partial<Pick<ArmContext, "retryPolicy">>,
    options: TenantResolverOptions = {},
  ) {
    // No bearer policy on purpose: the point is to ask without credentials. TLS settings (the emulator's
    // CA) and retries are the same as every other ARM call.
    this.pipeline = createPipelineFromOptions({
      tlsOptions: ctx.clientOptions.tlsOptions,
      retryOptions: ctx.clientOptions.retryOptions,
      userAgentOptions: { userAgentPrefix: "linkgate" },
    });
    // The same retry policy as every other ARM call, so a lookup on the Event Grid path spends the
    // delivery's retry budget instead of waiting out Retry-After on its own.
    if (ctx.retryPolicy) useArmRetryPolicy(this.pipeline, ctx.retryPolicy);
    this.http = createDefaultHttpClient();
    this.ttl = options.tenantCacheTtlInMs ?? 3_600_000;
    this.timeout = options.requestTimeoutInMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  async tenantOfSubscription(
    subscriptionId: string,
    options: OperationOptions = {},
  ): Promise<string | undefined> {
    const key = subscriptionId.toLowerCase();
    const hit = this.cache.get(key);
    if (hit && hit.expiresAt > this.now()) return hit.tenantId;
    let shared = this.inFlight.get(key);
    if (!shared) {
      // The shared request carries no caller's abort signal (one caller giving up must not fail the
      // others); it is bounded by its own timeout, and each caller can still stop waiting (below).
      shared = this.discover(subscriptionId).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, shared);
    }
    const tenantId = await waitUnlessAborted(shared, options.abortSignal, `/subscriptions/${subscriptionId}`);
    if (tenantId) this.cache.set(key, { tenantId, expiresAt: this.now() + this.ttl });
    return tenantId;
  }

  private async discover(subscriptionId: string): Promise<string | undefined> {
    const path = `/subscriptions/${encodeURIComponent(subscriptionId)}`;
    const request = createPipelineRequest({
      url: `${this.ctx.endpoint}${path}?api-version=${API_VERSIONS["subscriptions"]}`,
      method: "GET",
      headers: createHttpHeaders({ accept: "application/json" }),
      timeout: this.timeout,
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
    return status === 401 ? tenantFromWwwAuthenticate(header) : undefined;
  }
}

/** `promise`, unless `signal` aborts first (then an AbortError-shaped transient ArmError). */
function waitUnlessAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  where: string,
): Promise<T> {
  if (!signal) return promise;
  const aborted = () =>
    toArmError(
      Object.assign(new Error("tenant discovery aborted by the caller"), { name: "AbortError" }),
      where,
    );
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/**
 * A generic ARM client on the Azure SDK pipeline (bearer auth, TLS settings, and linkgate's retry policy:
 * retry.ts) for every provider that @azure/arm-network does not cover. `@azure/arm-network` has no "PUT any
 * provider's connection" call, hence this.
 *
 * Writes follow the provider's contract to the end with @azure/core-lro (createHttpPoller over this
 * client): core-lro reads the contract from the first answer (Azure-AsyncOperation / Operation-Location,
 * Location, or the body's provisioningState, re-reading the resource while it is non-terminal) and
 * interprets every poll answer; this client drives the loop itself because the timing is ours to bound:
 * Retry-After in both forms with a 1 s floor and a ceiling (core-lro takes a past HTTP-date or a tiny
 * value at face value, which spins), back-off when no Retry-After is given, an overall deadline
 * (pollTimeoutInMs, and the retry budget on the Event Grid path) and the caller's abortSignal. Polling URLs
 * come from the provider's headers, so they must stay on the ARM endpoint the token was issued for.
 */
import { getClient, type Client, type HttpResponse } from "@azure-rest/core-client";
import type { TokenCredential } from "@azure/core-auth";
import {
  createHttpPoller,
  type OperationResponse,
  type OperationState,
  type RunningOperation,
} from "@azure/core-lro";
import type { PipelinePolicy, PipelineRetryOptions, TlsSettings } from "@azure/core-rest-pipeline";
import { ArmError } from "../../core/errors";
import { ARM_SCOPE } from "./constants";
import { currentRetryBudget, monotonicNow, useArmRetryPolicy, withRetryBudget } from "./retry";
import { parseRetryAfter } from "./retryAfter";
import { sleep } from "../sleep";

export interface GenericRequestOptions {
  abortSignal?: AbortSignal;
  /** Sent as If-Match. */
  etag?: string;
  /** Upper bound for following a long-running operation. Default: the client's (5 minutes). */
  pollTimeoutInMs?: number;
}

/** How long-running operations are followed. */
export interface LroOptions {
  /** Shortest wait between polls, whatever Retry-After says. Default 1 s. */
  minDelayInMs?: number;
  /** Longest wait between polls (Retry-After is capped to it; back-off grows to it). Default 30 s. */
  maxDelayInMs?: number;
  /** Overall bound for following one operation. Default 5 minutes. */
  timeoutInMs?: number;
}

export interface GenericArmClientOptions {
  tlsOptions?: TlsSettings;
  /** The SDK's retry options; ignored when `retryPolicy` is given. */
  retryOptions?: PipelineRetryOptions;
  /** Replaces the SDK's default retry policy (context.ts passes linkgate's budgeted one). */
  retryPolicy?: PipelinePolicy;
  /** Token scope: the cloud's ARM audience. Default the public cloud's. */
  scope?: string;
  lro?: LroOptions;
  /** Retry budget (retry.ts) a write and its polls share when the caller opened no budget scope. */
  retryBudgetInMs?: number;
  /** Monotonic clock (ms) for deadlines. */
  now?: () => number;
}

export type ArmBody = Record<string, unknown>;

interface ErrorBody {
  error?: { code?: string; message?: string };
  /** App Service's flat error shape. */
  Code?: string;
  Message?: string;
}

/** The result of following a write: the final state core-lro reached and the answers that led there. */
interface Followed {
  /** Body of the first answer. */
  initialBody: unknown;
  /** How many poll requests were sent. */
  polls: number;
}

export function toArmError(err: unknown, resourceId: string | undefined): ArmError {
  if (err instanceof ArmError) return err;
  const e = err as { statusCode?: number; code?: string; message?: string; details?: ErrorBody };
  const code = e.details?.error?.code ?? e.code;
  const msg = e.details?.error?.message ?? e.message ?? String(err);
  return new ArmError(
    `${resourceId ?? "ARM"}: ${e.statusCode ?? "no response"} ${code ?? ""} ${msg}`
      .replace(/\s+/g, " ")
      .trim(),
    e.statusCode,
    code,
    resourceId,
  );
}

function headersOf(res: HttpResponse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers as Record<string, string | undefined>)) {
    if (typeof v === "string") out[k.toLowerCase()] = v;
  }
  return out;
}

/** The provider's error code and message, bounded: they end up in logs and telemetry. */
function errorOf(body: unknown): { code?: string; message?: string } {
  const b = (typeof body === "object" && body !== null ? body : {}) as ErrorBody;
  const code = b.error?.code ?? b.Code;
  const message = b.error?.message ?? b.Message;
  return {
    code: typeof code === "string" ? code.slice(0, 128) : undefined,
    message: typeof message === "string" ? message.slice(0, 1024) : undefined,
  };
}

function provisioningStateOf(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const b = body as { properties?: { provisioningState?: unknown }; provisioningState?: unknown };
  const s = b.properties?.provisioningState ?? b.provisioningState;
  return typeof s === "string" ? s : undefined;
}

export class GenericArmClient {
  private readonly client: Client;
  private readonly lro: Required<LroOptions>;
  private readonly now: () => number;
  private readonly origin: string;
  private readonly budgetInMs: number | undefined;

  constructor(
    readonly endpoint: string,
    credential: TokenCredential,
    options: GenericArmClientOptions = {},
  ) {
    this.origin = new URL(endpoint).origin;
    this.client = getClient(endpoint, credential, {
      credentials: { scopes: [options.scope ?? ARM_SCOPE] },
      tlsOptions: options.tlsOptions,
      retryOptions: options.retryOptions,
      userAgentOptions: { userAgentPrefix: "linkgate" },
    });
    if (options.retryPolicy) useArmRetryPolicy(this.client.pipeline, options.retryPolicy);
    this.lro = {
      minDelayInMs: options.lro?.minDelayInMs ?? 1_000,
      maxDelayInMs: options.lro?.maxDelayInMs ?? 30_000,
      timeoutInMs: options.lro?.timeoutInMs ?? 300_000,
    };
    this.now = options.now ?? monotonicNow;
    this.budgetInMs = options.retryBudgetInMs;
  }

  private fail(res: HttpResponse, resourceId: string): never {
    const status = Number(res.status);
    const { code, message } = errorOf(res.body);
    throw new ArmError(
      `${resourceId}: ${status} ${code ?? ""} ${message ?? `HTTP ${status}`}`.replace(/\s+/g, " "),
      status,
      code,
      resourceId,
    );
  }

  private async send(
    method: "GET" | "PUT" | "PATCH" | "DELETE" | "POST",
    pathOrUrl: string,
    apiVersion: string | undefined,
    body: unknown,
    options: GenericRequestOptions,
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = {};
    if (options.etag) headers["If-Match"] = options.etag;
    const isAbsolute = /^https:\/\//i.test(pathOrUrl);
    // Absolute URLs come from providers (nextLink, polling headers): the token goes to the ARM endpoint only.
    if (isAbsolute) this.sameOrigin(pathOrUrl, pathOrUrl);
    const req = {
      headers,
      abortSignal: options.abortSignal,
      ...(apiVersion && !isAbsolute ? { queryParameters: { "api-version": apiVersion } } : {}),
      ...(body !== undefined ? { body, contentType: "application/json" } : {}),
    };
    const resource = this.client.pathUnchecked(pathOrUrl);
    try {
      switch (method) {
        case "GET":
          return await resource.get(req);
        case "PUT":
          return await resource.put(req);
        case "PATCH":
          return await resource.patch(req);
        case "DELETE":
          return await resource.delete(req);
        case "POST":
          return await resource.post(req);
      }
    } catch (e) {
      if (options.abortSignal?.aborted) {
        throw new ArmError(
          `${pathOrUrl.slice(0, 300)}: aborted by the caller`,
          undefined,
          "Aborted",
          pathOrUrl,
        );
      }
      throw toArmError(e, pathOrUrl);
    }
  }

  /** GET a resource by ID; undefined when ARM says 404. */
  async get(
    id: string,
    apiVersion: string,
    options: GenericRequestOptions = {},
  ): Promise<ArmBody | undefined> {
    const res = await this.send("GET", id, apiVersion, undefined, options);
    if (res.status === "404") return undefined;
    if (Number(res.status) >= 400) this.fail(res, id);
    return res.body as ArmBody;
  }

  /** Lists a collection (`value` + `nextLink` paging) as an async iterable. */
  async *list(
    collectionPath: string,
    apiVersion: string,
    options: GenericRequestOptions = {},
  ): AsyncIterable<ArmBody> {
    let next: string | undefined = collectionPath;
    let first = true;
    while (next) {
      const res = await this.send("GET", next, first ? apiVersion : undefined, undefined, options);
      first = false;
      if (Number(res.status) >= 400) this.fail(res, collectionPath);
      const page = res.body as { value?: ArmBody[]; nextLink?: string };
      for (const item of page.value ?? []) yield item;
      next = page.nextLink || undefined;
    }
  }

  /**
   * PUT, followed to the end of whatever the provider answers (200 done; 200/201 with a non-terminal
   * provisioningState; 201/202 with Azure-AsyncOperation and/or Location, with or without a body), then
   * the resource as ARM now shows it. A provider that ends in Failed or Canceled throws a non-transient
   * ArmError with the provider's code and message; running out of time throws a transient one.
   */
  async put(
    id: string,
    apiVersion: string,
    body: unknown,
    options: GenericRequestOptions = {},
  ): Promise<ArmBody> {
    return this.write("PUT", id, apiVersion, body, options);
  }

  /** PATCH (Batch's connection update: 202 + Location), followed to the end like put(). */
  async patch(
    id: string,
    apiVersion: string,
    body: unknown,
    options: GenericRequestOptions = {},
  ): Promise<ArmBody> {
    return this.write("PATCH", id, apiVersion, body, options);
  }

  private async write(
    method: "PUT" | "PATCH",
    id: string,
    apiVersion: string,
    body: unknown,
    options: GenericRequestOptions,
  ): Promise<ArmBody> {
    return this.inBudget(async () => {
      const followed = await this.follow(method, id, apiVersion, body, options);
      const initial = followed.initialBody;
      const isResource = typeof initial === "object" && initial !== null && "properties" in initial;
      // Done on the first answer and the answer is the resource: nothing newer to read.
      if (followed.polls === 0 && isResource) return initial as ArmBody;
      // No If-Match on the read-back: our own write changed the etag.
      const current = await this.get(id, apiVersion, { abortSignal: options.abortSignal });
      if (!current) {
        throw new ArmError(
          `${id}: the write completed but the resource is gone (404 on the read-back)`,
          404,
          "NotFound",
          id,
        );
      }
      return current;
    });
  }

  /** DELETE; waits for the long-running operation. A 404/204 means already gone, which is success. */
  async delete(id: string, apiVersion: string, options: GenericRequestOptions = {}): Promise<void> {
    await this.inBudget(async () => {
      await this.follow("DELETE", id, apiVersion, undefined, options);
    });
  }

  async post(
    path: string,
    apiVersion: string,
    body: unknown,
    options: GenericRequestOptions = {},
  ): Promise<ArmBody> {
    const res = await this.send("POST", path, apiVersion, body, options);
    if (Number(res.status) >= 400) this.fail(res, path);
    return (res.body ?? {}) as ArmBody;
  }

  /** A write and its polls share one retry budget when the context has one and no scope is open yet. */
  private inBudget<T>(fn: () => Promise<T>): Promise<T> {
    return this.budgetInMs !== undefined && !currentRetryBudget()
      ? withRetryBudget(this.budgetInMs, fn, this.now)
      : fn();
  }

  /**
   * Refuses to send the token anywhere but the ARM endpoint: nextLinks and polling URLs are provider-written.
   * 421 (misdirected): not transient, as asking again gets the same URL.
   */
  private sameOrigin(url: string, id: string): string {
    let parsed: URL;
    try {
      parsed = new URL(url, this.origin);
    } catch {
      throw new ArmError(`${id.slice(0, 300)}: unreadable URL "${url.slice(0, 200)}"`, 421, "BadUrl", id);
    }
    if (parsed.origin !== this.origin) {
      throw new ArmError(
        `${id.slice(0, 300)}: the provider pointed at ${parsed.origin}, which is not the ARM endpoint ${this.origin}; ` +
          "refusing to send the token there",
        421,
        "UntrustedUrl",
        id,
      );
    }
    return parsed.toString();
  }

  /** Milliseconds before the next poll: Retry-After (bounded) or back-off from the floor. */
  private nextDelay(headers: Record<string, string>, polls: number): number {
    const asked = parseRetryAfter(headers["retry-after"], Date.now(), {
      minInMs: this.lro.minDelayInMs,
      maxInMs: this.lro.maxDelayInMs,
    });
    return asked ?? Math.min(this.lro.minDelayInMs * 2 ** polls, this.lro.maxDelayInMs);
  }

  private async follow(
    method: "PUT" | "PATCH" | "DELETE",
    id: string,
    apiVersion: string,
    body: unknown,
    options: GenericRequestOptions,
  ): Promise<Followed> {
    const url = `${this.origin}${id}?api-version=${encodeURIComponent(apiVersion)}`;
    let lastHeaders: Record<string, string> = {};
    let lastBody: unknown;
    let initialBody: unknown;
    let polls = 0;
    const toLro = (res: HttpResponse, reqMethod: string, reqUrl: string): OperationResponse<unknown> => {
      lastHeaders = headersOf(res);
      lastBody = res.body;
      return {
        flatResponse: res.body,
        rawResponse: {
          statusCode: Number(res.status),
          request: { method: reqMethod, url: reqUrl },
          headers: lastHeaders,
          body: res.body,
        },
      };
    };
    const operation: RunningOperation<unknown> = {
      sendInitialRequest: async () => {
        const res = await this.send(method, id, apiVersion, body, options);
        if (method === "DELETE" && (res.status === "404" || res.status === "204")) {
          return toLro({ ...res, status: "200" }, method, url);
        }
        if (Number(res.status) >= 400) this.fail(res, id);
        initialBody = res.body;
        return toLro(res, method, url);
      },
      sendPollRequest: async (path, pollOptions) => {
        const target = this.sameOrigin(path, id);
        polls++;
        const res = await this.send("GET", target, undefined, undefined, {
          abortSignal: (pollOptions?.abortSignal as AbortSignal | undefined) ?? options.abortSignal,
        });
        // A DELETE polled through the resource itself is done when the resource is gone.
        if (method === "DELETE" && res.status === "404" && target.startsWith(url)) {
          return toLro({ ...res, status: "200", body: undefined }, "GET", target);
        }
        if (Number(res.status) >= 400) this.fail(res, id);
        return toLro(res, "GET", target);
      },
    };
    // skipFinalGet: put() reads the resource itself once the operation is over.
    const poller = createHttpPoller<unknown, OperationState<unknown>>(operation, {
      resolveOnUnsuccessful: true,
      skipFinalGet: true,
    });
    await poller.submitted();
    const budget = currentRetryBudget();
    const timeoutInMs = options.pollTimeoutInMs ?? this.lro.timeoutInMs;
    const started = this.now();
    while (!poller.isDone) {
      const waitInMs = this.nextDelay(lastHeaders, polls);
      const at = this.now() + waitInMs;
      if (budget && at > budget.deadlineInMs) {
        throw new ArmError(
          `${id}: retry budget of ${budget.totalInMs} ms exhausted while following the ${method} ` +
            `(provisioningState ${provisioningStateOf(lastBody) ?? "unknown"} after ${polls} poll(s)); ` +
            "the write may still complete: the next delivery or sweep re-reads the connection",
          408,
          "RetryBudgetExhausted",
          id,
        );
      }
      if (at - started > timeoutInMs) {
        throw new ArmError(
          `${id}: long-running ${method} did not finish within ${timeoutInMs} ms ` +
            `(provisioningState ${provisioningStateOf(lastBody) ?? "unknown"} after ${polls} poll(s))`,
          408,
          "LongRunningOperationTimeout",
          id,
        );
      }
      await sleep(waitInMs, options.abortSignal).catch(() => {
        throw new ArmError(`${id}: aborted while following the ${method}`, undefined, "Aborted", id);
      });
      await poller.poll({ abortSignal: options.abortSignal });
    }
    const state = poller.operationState;
    if (state && state.status !== "succeeded") {
      const { code, message } = errorOf(lastBody);
      const what = provisioningStateOf(lastBody) ?? state.status;
      // 200: the provider answered; the operation itself ended badly. Not transient: the same write
      // would most likely end the same way; the sweep tries again on its next run.
      throw new ArmError(
        `${id}: the provider reports the ${method} ${what}: ${code ?? "no error code"}: ` +
          `${message ?? "no error message"}`,
        200,
        code ?? (state.status === "canceled" ? "OperationCanceled" : "OperationFailed"),
        id,
      );
    }
    return { initialBody, polls };
  }
}

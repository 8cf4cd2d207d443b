/**
 * A generic ARM client on the Azure SDK pipeline (bearer auth, retries with exponential back-off, 429
 * Retry-After handling, TLS settings) for every provider that @azure/arm-network does not cover.
 * `@azure/arm-network` has no "PUT any provider's connection" call, hence this.
 */
import { getClient, type Client, type HttpResponse } from "@azure-rest/core-client";
import type { TokenCredential } from "@azure/core-auth";
import type { PipelineRetryOptions, TlsSettings } from "@azure/core-rest-pipeline";
import { ArmError } from "../../core/errors";
import { ARM_SCOPE } from "./constants";

export interface GenericRequestOptions {
  abortSignal?: AbortSignal;
  /** Sent as If-Match. */
  etag?: string;
  /** Upper bound for waiting on a long-running operation. Default 5 minutes. */
  pollTimeoutInMs?: number;
}

export type ArmBody = Record<string, unknown>;

interface ErrorBody {
  error?: { code?: string; message?: string };
}

const TERMINAL_LRO = new Set(["succeeded", "failed", "canceled", "cancelled"]);

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error("aborted"));
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      reject(new Error("aborted"));
    });
  });
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

function headerOf(res: HttpResponse, name: string): string | undefined {
  const h = res.headers as Record<string, string | undefined>;
  return h[name] ?? h[name.toLowerCase()];
}

export class GenericArmClient {
  private readonly client: Client;

  constructor(
    readonly endpoint: string,
    credential: TokenCredential,
    options: { tlsOptions?: TlsSettings; retryOptions?: PipelineRetryOptions } = {},
  ) {
    this.client = getClient(endpoint, credential, {
      credentials: { scopes: [ARM_SCOPE] },
      tlsOptions: options.tlsOptions,
      retryOptions: options.retryOptions,
      userAgentOptions: { userAgentPrefix: "linkgate" },
    });
  }

  private fail(res: HttpResponse, resourceId: string): never {
    const body = (res.body ?? {}) as ErrorBody;
    const status = Number(res.status);
    const code = body.error?.code;
    const message = body.error?.message ?? `HTTP ${status}`;
    throw new ArmError(
      `${resourceId}: ${status} ${code ?? ""} ${message}`.replace(/\s+/g, " "),
      status,
      code,
      resourceId,
    );
  }

  private async send(
    method: "GET" | "PUT" | "DELETE" | "POST",
    pathOrUrl: string,
    apiVersion: string | undefined,
    body: unknown,
    options: GenericRequestOptions,
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = {};
    if (options.etag) headers["If-Match"] = options.etag;
    const isAbsolute = /^https:\/\//i.test(pathOrUrl);
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
        case "DELETE":
          return await resource.delete(req);
        case "POST":
          return await resource.post(req);
      }
    } catch (e) {
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

  /** PUT; follows a long-running operation (201/202 with Azure-AsyncOperation or Location) to its end. */
  async put(
    id: string,
    apiVersion: string,
    body: unknown,
    options: GenericRequestOptions = {},
  ): Promise<ArmBody> {
    const res = await this.send("PUT", id, apiVersion, body, options);
    if (Number(res.status) >= 400) this.fail(res, id);
    if (res.status === "201" || res.status === "202") {
      const polled = await this.pollIfNeeded(res, id, options);
      if (polled) {
        const current = await this.get(id, apiVersion, options);
        if (current) return current;
      }
    }
    return res.body as ArmBody;
  }

  /** DELETE; waits for the long-running operation. A 404/204 means already gone, which is success. */
  async delete(id: string, apiVersion: string, options: GenericRequestOptions = {}): Promise<void> {
    const res = await this.send("DELETE", id, apiVersion, undefined, options);
    if (res.status === "404" || res.status === "204") return;
    if (Number(res.status) >= 400) this.fail(res, id);
    if (res.status === "202" || res.status === "201") await this.pollIfNeeded(res, id, options);
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

  /** Polls Azure-AsyncOperation (status in body) or Location (200 when done). Returns true if it polled. */
  private async pollIfNeeded(
    res: HttpResponse,
    id: string,
    options: GenericRequestOptions,
  ): Promise<boolean> {
    const asyncOp = headerOf(res, "azure-asyncoperation");
    const location = headerOf(res, "location");
    const url = asyncOp ?? location;
    if (!url) return false;
    const deadline = Date.now() + (options.pollTimeoutInMs ?? 300_000);
    let delayInMs = Number(headerOf(res, "retry-after") ?? "1") * 1000;
    for (;;) {
      if (Date.now() > deadline) {
        throw new ArmError(
          `${id}: long-running operation did not finish in time (${url})`,
          408,
          "Timeout",
          id,
        );
      }
      await sleep(Math.min(Math.max(delayInMs, 0), 10_000), options.abortSignal);
      const poll = await this.send("GET", url, undefined, undefined, options);
      if (Number(poll.status) >= 400) this.fail(poll, id);
      if (asyncOp) {
        const status = String((poll.body as { status?: string })?.status ?? "").toLowerCase();
        if (TERMINAL_LRO.has(status)) {
          if (status !== "succeeded") {
            const err = (poll.body as ErrorBody).error;
            throw new ArmError(
              `${id}: long-running operation ${status}: ${err?.message ?? ""}`.trim(),
              200,
              err?.code ?? "OperationFailed",
              id,
            );
          }
          return true;
        }
      } else if (poll.status === "200" || poll.status === "204") {
        return true;
      }
      delayInMs = Number(headerOf(poll, "retry-after") ?? "1") * 1000;
    }
  }
}

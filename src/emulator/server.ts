/**
 * The local Azure stand-in: an HTTPS server on 127.0.0.1 that answers as ARM does for the operations
 * linkgate uses (see docs/emulator.md). `startEmulator` is the in-process API used by tests, the demo and
 * the `linkgate emulator` command.
 */
import * as fs from "node:fs";
import * as https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { randomUUID } from "node:crypto";
import { checkApiVersion, isKnownType } from "./apiVersions";
import { emulatorCertificates } from "./certs";
import { allowedTargets, canonicalStatus, transitionAllowed } from "./connections";
import { ArmHttpError, badRequest, methodNotAllowed, notFound, parseJson } from "./errors";
import { defaultFaultCode, FaultController, type FaultRule } from "./faults";
import { metricsBatchSubscription, queryMetrics, queryMetricsBatch } from "./metrics";
import { OperationFaultController, type OperationFaultRule } from "./operationFaults";
import { OperationRegistry, type OperationOutcome, type OperationRecord } from "./operations";
import { profileFor } from "./providers/catalog";
import type { ProviderProfile } from "./providers/profile";
import {
  decodePathname,
  encodePath,
  fullType,
  isCollection,
  parentPath,
  collectionOf,
  parseArmPath,
  topLevelType,
  type ArmPath,
} from "./paths";
import {
  createLookalikeConnection,
  materializeManagedConnections,
  type LookalikeRequest,
} from "./managed/definitions";
import { routeManaged } from "./managed/routes";
import { redactHeaders, TrafficRecorder } from "./recorder";
import { runQuery } from "./resourceGraph";
import { applySeed, FAULTS_FILE, loadSeedDir, OPERATION_FAULTS_FILE } from "./seed";
import { pageOf } from "./paging";
import { type Doc, EmulatorState, isObject } from "./state";

export interface EmulatorOptions {
  /** Directory of seed documents (and optionally faults.json). */
  seedDir?: string;
  /** Seed documents given directly (same kinds as files in seedDir). */
  seed?: unknown[];
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Fault rules active from the start (besides seedDir/faults.json). */
  faults?: FaultRule[];
  /** Rules that make long-running writes end Failed/Canceled (besides seedDir/operation-faults.json). */
  operationFaults?: OperationFaultRule[];
  /** When set, every exchange is written there in oav's live-traffic format. */
  recordDir?: string;
  /** When set, the CA certificate (PEM) is written to this file. */
  caFile?: string;
  /** Items per page of every list (`nextLink` paging). Default 50. */
  pageSize?: number;
  /**
   * How many polls of its status resource a long-running write (a connection PUT whose provider answers
   * before it is done, or any connection DELETE) stays InProgress before it ends. Default 1.
   */
  lroPolls?: number;
  /** Retry-After (seconds) on long-running operation responses. Default 1, as ARM suggests short waits. */
  lroRetryAfterSeconds?: number;
  /** Clock used for metrics' default timespan. */
  now?: () => Date;
  /** Called once per exchange served (not for injected faults): benchmarks count requests by kind with it. */
  onExchange?: (exchange: ServedExchange) => void;
}

/** What `onExchange` is told about one served request: method, decoded path and the status answered. */
export interface ServedExchange {
  method: string;
  path: string;
  status: number;
}

export interface RunningEmulator {
  /** `https://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** The CA certificate clients must trust (PEM). */
  readonly caPem: string;
  readonly caFile?: string;
  readonly faults: FaultController;
  /** Makes long-running writes end Failed or Canceled (see operationFaults.ts). */
  readonly operationFaults: OperationFaultController;
  /** Long-running operations started so far, with their polls and outcome. */
  readonly operations: () => readonly OperationRecord[];
  readonly state: EmulatorState;
  /** Exchanges served so far (not counting injected faults). */
  readonly requestCount: () => number;
  /** Managed private endpoints (managed/): a connection that looks managed but has no definition behind it. */
  readonly managed: { createLookalike(request: LookalikeRequest): string };
  stop(): Promise<void>;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const JSON_TYPE = "application/json; charset=utf-8";

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function locationSlug(doc: Doc | undefined): string {
  const loc = doc && typeof doc["location"] === "string" ? doc["location"] : "global";
  return loc.replace(/\s+/g, "").toLowerCase() || "global";
}

function notFoundMessage(p: ArmPath): string {
  const type = [p.provider, ...p.types].join("/");
  const name = p.names.join("/");
  return p.resourceGroup
    ? `The Resource '${type}/${name}' under resource group '${p.resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`
    : `The Resource '${type}/${name}' was not found.`;
}

export class Emulator {
  readonly state = new EmulatorState();
  readonly faults = new FaultController();
  readonly operationFaults = new OperationFaultController();
  readonly operations = new OperationRegistry();
  private recorder?: TrafficRecorder;
  private served = 0;
  private baseUrl = "";

  constructor(private readonly options: EmulatorOptions) {
    if (options.recordDir) this.recorder = new TrafficRecorder(options.recordDir);
  }

  get pageSize(): number {
    return this.options.pageSize ?? 50;
  }

  setBaseUrl(url: string): void {
    this.baseUrl = url;
  }

  requestCount(): number {
    return this.served;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", this.baseUrl);
    const pathname = decodePathname(url.pathname);
    const rawBody = await readBody(req);

    const fault = this.faults.match(method, pathname);
    if (fault) {
      if (fault.latencyMs > 0) await sleep(fault.latencyMs);
      if (fault.drop) {
        req.socket.destroy();
        return;
      }
      if (fault.status !== undefined) {
        const headers: Record<string, string> = {
          "content-type": JSON_TYPE,
          "x-ms-request-id": randomUUID(),
        };
        if (fault.retryAfterSeconds !== undefined) headers["retry-after"] = String(fault.retryAfterSeconds);
        const code = fault.code ?? defaultFaultCode(fault.status);
        res.writeHead(fault.status, headers);
        res.end(
          JSON.stringify({
            error: { code, message: `Injected fault (rule ${fault.rule.id ?? "?"}): ${code}.` },
          }),
        );
        return;
      }
    }

    let reply: Reply;
    try {
      reply = this.route(method, url, pathname, req.headers, rawBody);
    } catch (e) {
      if (e instanceof ArmHttpError) {
        reply = { status: e.status, body: e.body(errorShapeFor(pathname, e)), headers: e.headers };
      } else {
        reply = {
          status: 500,
          body: {
            error: { code: "InternalServerError", message: `emulator error: ${(e as Error).message}` },
          },
        };
      }
    }
    const headers: Record<string, string> = {
      "x-ms-request-id": randomUUID(),
      "x-ms-correlation-request-id": String(req.headers["x-ms-correlation-request-id"] ?? randomUUID()),
      ...(reply.headers ?? {}),
    };
    const text = reply.body === undefined ? "" : JSON.stringify(reply.body);
    if (reply.body !== undefined) headers["content-type"] = JSON_TYPE;
    this.served++;
    this.options.onExchange?.({ method, path: pathname, status: reply.status });
    if (this.recorder) {
      let reqBody: unknown;
      try {
        reqBody = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        reqBody = rawBody;
      }
      this.recorder.record({
        liveRequest: { url: url.toString(), method, headers: redactHeaders(req.headers), body: reqBody },
        liveResponse: { statusCode: String(reply.status), headers, body: reply.body },
      });
    }
    res.writeHead(reply.status, headers);
    res.end(text);
  }

  private route(
    method: string,
    url: URL,
    pathname: string,
    headers: IncomingMessage["headers"],
    rawBody: string,
  ): Reply {
    const p = parseArmPath(pathname);
    const segs = pathname.split("/").slice(1);
    const isSubscriptionGet = segs.length === 2 && segs[0]?.toLowerCase() === "subscriptions";

    // 1. Authentication, and tenant discovery for unauthenticated callers (DESIGN.md).
    const auth = String(headers["authorization"] ?? "");
    if (!/^Bearer\s+\S+/i.test(auth)) {
      let tenant = "common";
      if (p.subscriptionId) {
        const sub = this.state.subscription(p.subscriptionId);
        if (!sub)
          throw notFound(
            "SubscriptionNotFound",
            `The subscription '${p.subscriptionId}' could not be found.`,
          );
        tenant = sub.tenantId;
      }
      throw new ArmHttpError(
        401,
        "AuthenticationFailed",
        "Authentication failed. The 'Authorization' header is missing.",
        {
          "www-authenticate":
            `Bearer authorization_uri="https://login.microsoftonline.com/${tenant}", error="invalid_token", ` +
            `error_description="The authentication failed because of missing 'Authorization' header."`,
        },
      );
    }

    const apiVersion = url.searchParams.get("api-version");

    // 2. Resource Graph.
    if (pathname.toLowerCase() === "/providers/microsoft.resourcegraph/resources") {
      checkApiVersion(apiVersion, "microsoft.resourcegraph/resources", "Microsoft.ResourceGraph/resources");
      if (method !== "POST") throw methodNotAllowed(method, pathname);
      return {
        status: 200,
        body: runQuery(this.state, parseJson(rawBody), {
          // A subscription whose GET a fault rule refuses (401/403/404) is one the caller cannot read. A peek:
          // a counted rule ("refuse the next 2 GETs") is left to the GETs it was written for.
          readable: (s) =>
            ![401, 403, 404].includes(this.faults.peek("GET", `/subscriptions/${s}`)?.status ?? 0),
        }),
      };
    }

    // 2b. Azure Monitor's metrics batch (a regional data-plane host in Azure, this host here: metrics.ts).
    const batchSubscription = metricsBatchSubscription(pathname);
    if (batchSubscription !== undefined) {
      if (method !== "POST") throw methodNotAllowed(method, pathname);
      return {
        status: 200,
        body: queryMetricsBatch(this.state, {
          subscriptionId: batchSubscription,
          params: url.searchParams,
          body: parseJson(rawBody),
          now: this.options.now?.() ?? new Date(),
          locate: (id) => {
            const doc = this.state.get(parseArmPath(id).path);
            return doc
              ? { id: typeof doc["id"] === "string" ? doc["id"] : id, location: locationSlug(doc) }
              : undefined;
          },
        }),
      };
    }

    // 2c. Managed private endpoint definitions and Synapse's data plane (managed/routes.ts).
    const managed = routeManaged({
      state: this.state,
      method,
      pathname,
      url,
      rawBody,
      baseUrl: this.baseUrl,
      pageSize: this.pageSize,
    });
    if (managed) return managed;

    if (!p.subscriptionId) {
      throw notFound("InvalidResourceType", `The emulator serves no operation at '${pathname}'.`);
    }

    // 3. The subscription itself.
    if (isSubscriptionGet) {
      checkApiVersion(apiVersion, "subscriptions", "subscriptions");
      if (method !== "GET") throw methodNotAllowed(method, pathname);
      const sub = this.state.subscription(p.subscriptionId);
      if (!sub)
        throw notFound("SubscriptionNotFound", `The subscription '${p.subscriptionId}' could not be found.`);
      return { status: 200, body: sub };
    }

    // 4. Metrics: `{resourceId}/providers/Microsoft.Insights/metrics`.
    const metricsSuffix = "/providers/microsoft.insights/metrics";
    if (pathname.toLowerCase().endsWith(metricsSuffix)) {
      checkApiVersion(apiVersion, "microsoft.insights/metrics", "Microsoft.Insights/metrics");
      if (method !== "GET") throw methodNotAllowed(method, pathname);
      const resourceId = pathname.slice(0, pathname.length - metricsSuffix.length);
      const rp = parseArmPath(resourceId);
      const doc = this.requireResource(rp);
      return {
        status: 200,
        body: queryMetrics(this.state, {
          resourceId: typeof doc["id"] === "string" ? doc["id"] : resourceId,
          resourceType: fullType(rp),
          location: locationSlug(doc),
          params: url.searchParams,
          now: this.options.now?.() ?? new Date(),
        }),
      };
    }

    if (!this.state.subscription(p.subscriptionId)) {
      throw notFound("SubscriptionNotFound", `The subscription '${p.subscriptionId}' could not be found.`);
    }
    if (!p.provider || p.types.length === 0) {
      throw notFound("InvalidResourceType", `The emulator serves no operation at '${pathname}'.`);
    }

    // 5. api-version per resource type.
    const type = topLevelType(p);
    const display = `${p.provider}/${p.types[0] ?? ""}`;
    checkApiVersion(apiVersion, type, display);

    // 6. Long-running operation status: ARM's provider-location shape, or Recovery Services'
    //    `{connection}/operationsStatus/{id}` (PrivateEndpoint_GetOperationStatus).
    if (type.endsWith("/locations") && p.types.length === 2 && p.names.length === 2) {
      const kind = (p.types[1] ?? "").toLowerCase();
      if (kind === "operations" || kind === "operationresults")
        return this.pollOperation(kind, p.names[1] ?? "", url);
    }
    if (
      p.types.length === 3 &&
      p.names.length === 3 &&
      (p.types[1] ?? "").toLowerCase() === "privateendpointconnections" &&
      (p.types[2] ?? "").toLowerCase() === "operationsstatus" &&
      profileFor(type)?.operationStatus === "connection-operations-status"
    ) {
      if (method !== "GET") throw methodNotAllowed(method, pathname);
      return this.pollOperation("operations", p.names[2] ?? "", url);
    }

    if (p.resourceGroup && !this.state.resourceGroupExists(p.subscriptionId, p.resourceGroup)) {
      throw notFound("ResourceGroupNotFound", `Resource group '${p.resourceGroup}' could not be found.`);
    }

    // 7. Collections and resources.
    if (isCollection(p)) {
      if (method !== "GET") throw methodNotAllowed(method, pathname);
      return this.list(p, url);
    }
    const isConnection =
      p.types.length >= 2 && (p.types.at(-1) ?? "").toLowerCase() === "privateendpointconnections";
    switch (method) {
      case "GET":
        return this.get(p);
      case "PUT":
      case "PATCH": {
        if (!isConnection) throw methodNotAllowed(method, pathname);
        const wanted = profileFor(type)?.writeMethod ?? "PUT";
        if (method !== wanted)
          throw new ArmHttpError(
            405,
            "MethodNotAllowed",
            `${display}/privateEndpointConnections does not accept ${method}: its provider updates a connection with ${wanted} (${profileFor(type)?.spec ?? "spec"}).`,
          );
        return this.putConnection(method, p, headers, rawBody, apiVersion ?? "");
      }
      case "DELETE":
        if (!isConnection) throw methodNotAllowed(method, pathname);
        return this.deleteConnection(p, headers, apiVersion ?? "");
      default:
        throw methodNotAllowed(method, pathname);
    }
  }

  private requireResource(p: ArmPath): Doc {
    const doc = this.state.get(p.path);
    if (doc) return doc;
    if (p.types.length >= 2 && !this.state.has(parentPath(p.path))) {
      throw notFound(
        "ParentResourceNotFound",
        `Can not perform requested operation on nested resource. Parent resource '${p.names.slice(0, -1).join("/")}' not found.`,
      );
    }
    if (!isKnownType(topLevelType(p))) {
      throw badRequest(
        "InvalidResourceType",
        `The resource type '${fullType(p)}' is not served by the emulator.`,
      );
    }
    throw notFound("ResourceNotFound", notFoundMessage(p));
  }

  private get(p: ArmPath): Reply {
    const doc = this.requireResource(p);
    const etag = this.state.etagOf(p.path);
    return { status: 200, body: doc, headers: etag ? { etag } : {} };
  }

  private list(p: ArmPath, url: URL): Reply {
    const isConnections =
      p.types.length >= 2 && (p.types.at(-1) ?? "").toLowerCase() === "privateendpointconnections";
    const profile = isConnections ? profileFor(topLevelType(p)) : undefined;
    if (profile?.listing === "embedded-only") {
      if (!this.state.has(collectionOf(p.path))) this.requireResource(parseArmPath(collectionOf(p.path)));
      throw notFound(
        "NotFound",
        `${profile.type} has no operation that lists private endpoint connections at api-version ${url.searchParams.get("api-version") ?? ""} ` +
          `(${profile.spec} defines get/put/delete only): read the parent's properties.privateEndpointConnections.`,
      );
    }
    let items: Doc[];
    if (!p.resourceGroup && p.types.length === 1) {
      items = this.state.listBySubscription(p.subscriptionId ?? "", topLevelType(p));
    } else {
      items = this.state.listCollection(p.path);
      // A collection path ends in a type segment, so its parent resource is the path minus that one
      // segment (parentPath strips a type/name pair, which is right for a resource, not a collection).
      if (items.length === 0 && p.types.length >= 2 && !this.state.has(collectionOf(p.path))) {
        throw notFound(
          "ParentResourceNotFound",
          `Can not perform requested operation on nested resource. Parent resource '${p.names.join("/")}' not found.`,
        );
      }
    }
    // IoT Hub's list answers a bare array, unpaged (its PrivateEndpointConnectionsList is `type: array`).
    if (profile?.listing === "array") return { status: 200, body: items };
    return {
      status: 200,
      body: pageOf(items, { url, path: p.path, baseUrl: this.baseUrl, pageSize: this.pageSize }),
    };
  }

  private checkIfMatch(p: ArmPath, headers: IncomingMessage["headers"]): void {
    const ifMatch = headers["if-match"];
    if (ifMatch === undefined) return;
    const current = this.state.etagOf(p.path);
    const wanted = String(ifMatch).trim();
    if (current === undefined || (wanted !== "*" && wanted !== current)) {
      throw new ArmHttpError(
        412,
        "PreconditionFailed",
        current === undefined
          ? `If-Match '${wanted}' was given but '${p.path}' does not exist.`
          : `The resource '${p.path}' has changed: If-Match '${wanted}' does not match the current ETag '${current}'. Read it again and retry.`,
      );
    }
  }

  /**
   * The owner's approve/reject. Answered as the provider's profile says: done at once (sync), or accepted with
   * the connection held in the provider's intermediate provisioning state until its operation is polled to
   * the end (then the provider's done state, or — when an operation fault says so — rolled back and Failed).
   */
  private putConnection(
    method: string,
    p: ArmPath,
    headers: IncomingMessage["headers"],
    rawBody: string,
    apiVersion: string,
  ): Reply {
    const existing = this.state.get(p.path);
    if (!existing && !this.state.has(parentPath(p.path))) this.requireResource(p);
    this.checkIfMatch(p, headers);
    if (!existing) {
      throw notFound(
        "ResourceNotFound",
        `${notFoundMessage(p)} Private endpoint connections are created by the consumer's private endpoint; the owner can only update (approve/reject) or delete them.`,
      );
    }
    const body = parseJson(rawBody);
    const props = isObject(body) && isObject(body["properties"]) ? body["properties"] : undefined;
    const state =
      props && isObject(props["privateLinkServiceConnectionState"])
        ? props["privateLinkServiceConnectionState"]
        : undefined;
    if (!state || typeof state["status"] !== "string") {
      throw badRequest(
        "InvalidRequestContent",
        "The request body must set properties.privateLinkServiceConnectionState.status.",
      );
    }
    const to = canonicalStatus(state["status"]);
    const currentProps = isObject(existing["properties"]) ? existing["properties"] : {};
    const currentState = isObject(currentProps["privateLinkServiceConnectionState"])
      ? currentProps["privateLinkServiceConnectionState"]
      : {};
    const from = typeof currentState["status"] === "string" ? currentState["status"] : "Pending";
    if (!to || !transitionAllowed(from, to)) {
      throw badRequest(
        "InvalidPrivateEndpointConnectionStateTransition",
        `Connection '${p.path}' is ${from}; it cannot be set to '${String(state["status"])}'. Allowed from ${from}: ${allowedTargets(from).join(", ") || "none (delete it instead)"}.`,
      );
    }
    const profile = profileFor(topLevelType(p));
    const nextState: Doc = { ...currentState, status: to };
    if (typeof state["description"] === "string") nextState["description"] = state["description"];
    // Only the field the provider's schema has, and only when it is writable (Sql's is read-only).
    const actionsField = profile ? profile.actionsField : "actionsRequired";
    if (actionsField !== "none" && !profile?.actionsReadOnly && typeof state[actionsField] === "string")
      nextState[actionsField] = state[actionsField];
    const contract = profile?.write ?? { kind: "sync", status: 200 };
    const done = profile?.doneState ?? "Succeeded";
    const withState = (doc: Doc, connectionState: Doc, provisioningState: string): Doc => ({
      ...doc,
      properties: {
        ...(isObject(doc["properties"]) ? doc["properties"] : {}),
        privateLinkServiceConnectionState: connectionState,
        provisioningState,
      },
    });
    if (contract.kind === "sync") {
      const doc = this.state.write(p.path, withState(existing, nextState, done));
      return { status: contract.status, body: doc, headers: { etag: this.state.etagOf(p.path) ?? "" } };
    }

    const intermediate =
      to === "Rejected" && profile?.rejectingState ? profile.rejectingState : contract.intermediate;
    const pending = this.state.write(p.path, withState(existing, nextState, intermediate));
    const fault = this.operationFaults.match(method, p.path);
    const op = this.operations.start({
      method,
      resource: p.path,
      heldState: intermediate,
      polls: this.options.lroPolls ?? 1,
      outcome: fault?.outcome,
      error: fault?.error,
      finish: (outcome: OperationOutcome) => {
        const current = this.state.get(p.path);
        if (!current) return;
        if (outcome === "Succeeded") {
          const cs = isObject(current["properties"])
            ? current["properties"]["privateLinkServiceConnectionState"]
            : {};
          this.state.write(p.path, withState(current, isObject(cs) ? cs : nextState, done));
        } else {
          // The change did not take: the connection keeps the state it had, and says the update failed.
          this.state.write(p.path, withState(current, currentState, "Failed"));
        }
      },
    });
    const urls = this.operationUrls(p, profile, op.id, apiVersion);
    const replyHeaders: Record<string, string> = {
      etag: this.state.etagOf(p.path) ?? "",
      "retry-after": String(this.options.lroRetryAfterSeconds ?? 1),
    };
    if (contract.kind === "updating-200") {
      // Key Vault: Azure-AsyncOperation is "specified only if operation does not finish synchronously", as here.
      replyHeaders["azure-asyncoperation"] = urls.asyncOperation;
      return { status: 200, body: pending, headers: replyHeaders };
    }
    if (contract.headers.includes("azure-asyncoperation"))
      replyHeaders["azure-asyncoperation"] = urls.asyncOperation;
    if (contract.headers.includes("location")) replyHeaders["location"] = urls.location;
    return { status: contract.status, body: contract.body ? pending : undefined, headers: replyHeaders };
  }

  /** Where an operation's status is polled: ARM's provider-location resources, or the provider's own. */
  private operationUrls(
    p: ArmPath,
    profile: ProviderProfile | undefined,
    opId: string,
    apiVersion: string,
  ): { asyncOperation: string; location: string } {
    const v = encodeURIComponent(apiVersion);
    const location = locationSlug(this.state.get(parentPath(p.path)));
    const base = `${this.baseUrl}/subscriptions/${encodeURIComponent(p.subscriptionId ?? "")}/providers/${p.provider}/locations/${location}`;
    return {
      asyncOperation:
        profile?.operationStatus === "connection-operations-status"
          ? `${this.baseUrl}${encodePath(p.path)}/operationsStatus/${opId}?api-version=${v}`
          : `${base}/operations/${opId}?api-version=${v}`,
      location: `${base}/operationResults/${opId}?api-version=${v}`,
    };
  }

  private deleteConnection(p: ArmPath, headers: IncomingMessage["headers"], apiVersion: string): Reply {
    const existing = this.state.get(p.path);
    if (!existing) {
      if (!this.state.has(parentPath(p.path))) this.requireResource(p);
      if (headers["if-match"] !== undefined) this.checkIfMatch(p, headers);
      return { status: 204 };
    }
    this.checkIfMatch(p, headers);
    const props = isObject(existing["properties"]) ? existing["properties"] : {};
    const before = typeof props["provisioningState"] === "string" ? props["provisioningState"] : "Succeeded";
    this.state.write(p.path, { ...existing, properties: { ...props, provisioningState: "Deleting" } });
    const fault = this.operationFaults.match("DELETE", p.path);
    const op = this.operations.start({
      method: "DELETE",
      resource: p.path,
      heldState: "Deleting",
      polls: this.options.lroPolls ?? 1,
      outcome: fault?.outcome,
      error: fault?.error,
      finish: (outcome) => {
        if (outcome === "Succeeded") {
          this.state.remove(p.path);
          return;
        }
        const current = this.state.get(p.path);
        const cp = current && isObject(current["properties"]) ? current["properties"] : undefined;
        if (current && cp)
          this.state.write(p.path, { ...current, properties: { ...cp, provisioningState: before } });
      },
    });
    const urls = this.operationUrls(p, undefined, op.id, apiVersion);
    return {
      status: 202,
      headers: {
        "azure-asyncoperation": urls.asyncOperation,
        location: urls.location,
        "retry-after": String(this.options.lroRetryAfterSeconds ?? 1),
      },
    };
  }

  private pollOperation(kind: string, opId: string, self: URL): Reply {
    const op = this.operations.poll(opId);
    if (!op) throw notFound("OperationNotFound", `The operation '${opId}' was not found.`);
    const retryAfter = String(this.options.lroRetryAfterSeconds ?? 1);
    if (kind === "operationresults") {
      if (op.status === "InProgress") {
        return { status: 202, headers: { location: self.toString(), "retry-after": retryAfter } };
      }
      if (op.status !== "Succeeded") {
        // ARM RPC: a failed operation's Location answers the error. 409 (terminal), not a retried 5xx.
        throw new ArmHttpError(
          409,
          op.error?.code ?? "OperationFailed",
          op.error?.message ?? "The operation failed.",
        );
      }
      const resource = op.method === "DELETE" ? undefined : this.state.get(op.resource);
      return resource ? { status: 200, body: resource } : { status: 204 };
    }
    const body: Doc = { id: op.id, name: op.id, status: op.status, startTime: op.startTime };
    if (op.endTime) body["endTime"] = op.endTime;
    if (op.error) body["error"] = { ...op.error };
    return { status: 200, body, headers: op.status === "InProgress" ? { "retry-after": retryAfter } : {} };
  }
}

/** ARM's own (front-door) errors keep ARM's envelope whatever the provider; the provider's errors take its shape. */
const ARM_FRONT_DOOR_CODES = new Set([
  "AuthenticationFailed",
  "MissingApiVersionParameter",
  "InvalidApiVersionParameter",
  "NoRegisteredProviderFound",
  "InvalidResourceType",
  "SubscriptionNotFound",
  "ResourceGroupNotFound",
]);

function errorShapeFor(pathname: string, e: ArmHttpError): "arm" | "flat" {
  if (ARM_FRONT_DOOR_CODES.has(e.code)) return "arm";
  const p = parseArmPath(pathname);
  // A missing top-level resource is answered by ARM (ResourceNotFound); nested resources by the provider.
  if (p.types.length < 2) return "arm";
  return profileFor(topLevelType(p))?.errorShape ?? "arm";
}

/** Starts the emulator on 127.0.0.1 and resolves once it is listening. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = new Emulator(options);
  if (options.seedDir) {
    loadSeedDir(emulator.state, options.seedDir);
    const faultsFile = path.join(options.seedDir, FAULTS_FILE);
    if (fs.existsSync(faultsFile)) emulator.faults.loadFile(faultsFile);
  }
  if (options.seedDir) {
    const operationFaultsFile = path.join(options.seedDir, OPERATION_FAULTS_FILE);
    if (fs.existsSync(operationFaultsFile)) emulator.operationFaults.loadFile(operationFaultsFile);
  }
  if (options.seed) applySeed(emulator.state, options.seed, "options.seed");
  for (const rule of options.faults ?? []) emulator.faults.add(rule);
  for (const rule of options.operationFaults ?? []) emulator.operationFaults.add(rule);
  // Seeded managed definitions get the connection their service would have made (any file order).
  materializeManagedConnections(emulator.state);

  const certs = emulatorCertificates();
  if (options.caFile) {
    fs.mkdirSync(path.dirname(path.resolve(options.caFile)), { recursive: true });
    fs.writeFileSync(options.caFile, certs.caPem);
  }
  const server = https.createServer(
    { key: certs.keyPem, cert: `${certs.certPem}${certs.caPem}` },
    (req, res) => {
      emulator.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { "content-type": JSON_TYPE });
          res.end(
            JSON.stringify({
              error: { code: "InternalServerError", message: `emulator error: ${(e as Error).message}` },
            }),
          );
        }
      });
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;
  emulator.setBaseUrl(url);
  return {
    url,
    port,
    caPem: certs.caPem,
    caFile: options.caFile,
    faults: emulator.faults,
    operationFaults: emulator.operationFaults,
    operations: () => emulator.operations.list(),
    state: emulator.state,
    requestCount: () => emulator.requestCount(),
    managed: { createLookalike: (request) => createLookalikeConnection(emulator.state, request) },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

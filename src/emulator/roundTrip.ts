/**
 * Round-trips published ARM GET examples through the emulator and the real SDK clients: each example's
 * response body is seeded unchanged, the operation is called with the example's parameters, and the raw
 * JSON that comes back must be identical. Used by scripts/check-reference.ts (over ../shared/reference)
 * and by the integration tests (over the repo's own fixtures in test/fixtures/arm).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { NetworkManagementClient } from "@azure/arm-network";
import type { FullOperationResponse } from "@azure-rest/core-client";
import type { ArmContext } from "../adapters/arm/context";
import { keyOf, parseArmPath } from "./paths";
import type { Doc, EmulatorState } from "./state";

type Params = Record<string, unknown>;
type SdkOptions = { onResponse: (r: FullOperationResponse) => void };

interface ExampleOperation {
  kind: "get" | "list";
  /** ARM path template with the example's parameter names. */
  template: string;
  /** The @azure/arm-network call, for Microsoft.Network operations (other providers go through the generic client). */
  sdk?: (
    net: NetworkManagementClient,
    p: (name: string) => string,
    options: SdkOptions,
  ) => Promise<unknown> | AsyncIterable<unknown>;
}

const RG = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}";
const NET = `${RG}/providers/Microsoft.Network`;
const RELAY = `${RG}/providers/Microsoft.Relay/namespaces/{namespaceName}`;

/** Every GET example of the reference set, by file name, with the operation that serves it. */
export const EXAMPLE_OPERATIONS: Readonly<Record<string, ExampleOperation>> = {
  "PrivateLinkServiceGet.json": {
    kind: "get",
    template: `${NET}/privateLinkServices/{serviceName}`,
    sdk: (n, p, o) => n.privateLinkServices.get(p("resourceGroupName"), p("serviceName"), o),
  },
  "PrivateLinkServiceList.json": {
    kind: "list",
    template: `${NET}/privateLinkServices`,
    sdk: (n, p, o) => n.privateLinkServices.list(p("resourceGroupName"), o),
  },
  "PrivateLinkServiceListAll.json": {
    kind: "list",
    template: "/subscriptions/{subscriptionId}/providers/Microsoft.Network/privateLinkServices",
    sdk: (n, _p, o) => n.privateLinkServices.listBySubscription(o),
  },
  "PrivateLinkServiceGetPrivateEndpointConnection.json": {
    kind: "get",
    template: `${NET}/privateLinkServices/{serviceName}/privateEndpointConnections/{peConnectionName}`,
    sdk: (n, p, o) =>
      n.privateLinkServices.getPrivateEndpointConnection(
        p("resourceGroupName"),
        p("serviceName"),
        p("peConnectionName"),
        o,
      ),
  },
  "PrivateLinkServiceListPrivateEndpointConnection.json": {
    kind: "list",
    template: `${NET}/privateLinkServices/{serviceName}/privateEndpointConnections`,
    sdk: (n, p, o) =>
      n.privateLinkServices.listPrivateEndpointConnections(p("resourceGroupName"), p("serviceName"), o),
  },
  "PrivateEndpointGet.json": {
    kind: "get",
    template: `${NET}/privateEndpoints/{privateEndpointName}`,
    sdk: (n, p, o) => n.privateEndpoints.get(p("resourceGroupName"), p("privateEndpointName"), o),
  },
  "PrivateEndpointGetForManualApproval.json": {
    kind: "get",
    template: `${NET}/privateEndpoints/{privateEndpointName}`,
    sdk: (n, p, o) => n.privateEndpoints.get(p("resourceGroupName"), p("privateEndpointName"), o),
  },
  "PrivateEndpointGetWithASG.json": {
    kind: "get",
    template: `${NET}/privateEndpoints/{privateEndpointName}`,
    sdk: (n, p, o) => n.privateEndpoints.get(p("resourceGroupName"), p("privateEndpointName"), o),
  },
  "PrivateEndpointList.json": {
    kind: "list",
    template: `${NET}/privateEndpoints`,
    sdk: (n, p, o) => n.privateEndpoints.list(p("resourceGroupName"), o),
  },
  "PrivateEndpointListAll.json": {
    kind: "list",
    template: "/subscriptions/{subscriptionId}/providers/Microsoft.Network/privateEndpoints",
    sdk: (n, _p, o) => n.privateEndpoints.listBySubscription(o),
  },
  "PrivateEndpointDnsZoneGroupGet.json": {
    kind: "get",
    template: `${NET}/privateEndpoints/{privateEndpointName}/privateDnsZoneGroups/{privateDnsZoneGroupName}`,
    sdk: (n, p, o) =>
      n.privateDnsZoneGroups.get(
        p("resourceGroupName"),
        p("privateEndpointName"),
        p("privateDnsZoneGroupName"),
        o,
      ),
  },
  "PrivateEndpointDnsZoneGroupList.json": {
    kind: "list",
    template: `${NET}/privateEndpoints/{privateEndpointName}/privateDnsZoneGroups`,
    sdk: (n, p, o) => n.privateDnsZoneGroups.list(p("resourceGroupName"), p("privateEndpointName"), o),
  },
  "AutoApprovedPrivateLinkServicesGet.json": {
    kind: "list",
    template:
      "/subscriptions/{subscriptionId}/providers/Microsoft.Network/locations/{location}/autoApprovedPrivateLinkServices",
    sdk: (n, p, o) => n.privateLinkServices.listAutoApprovedPrivateLinkServices(p("location"), o),
  },
  "AutoApprovedPrivateLinkServicesResourceGroupGet.json": {
    kind: "list",
    template: `${RG}/providers/Microsoft.Network/locations/{location}/autoApprovedPrivateLinkServices`,
    sdk: (n, p, o) =>
      n.privateLinkServices.listAutoApprovedPrivateLinkServicesByResourceGroup(
        p("resourceGroupName"),
        p("location"),
        o,
      ),
  },
  "LoadBalancerGet.json": {
    kind: "get",
    template: `${NET}/loadBalancers/{loadBalancerName}`,
    sdk: (n, p, o) => n.loadBalancers.get(p("resourceGroupName"), p("loadBalancerName"), o),
  },
  "LoadBalancerList.json": {
    kind: "list",
    template: `${NET}/loadBalancers`,
    sdk: (n, p, o) => n.loadBalancers.list(p("resourceGroupName"), o),
  },
  "NetworkSecurityGroupGet.json": {
    kind: "get",
    template: `${NET}/networkSecurityGroups/{networkSecurityGroupName}`,
    sdk: (n, p, o) => n.networkSecurityGroups.get(p("resourceGroupName"), p("networkSecurityGroupName"), o),
  },
  "SubnetGet.json": {
    kind: "get",
    template: `${NET}/virtualNetworks/{virtualNetworkName}/subnets/{subnetName}`,
    sdk: (n, p, o) => n.subnets.get(p("resourceGroupName"), p("virtualNetworkName"), p("subnetName"), o),
  },
  "VirtualNetworkGet.json": {
    kind: "get",
    template: `${NET}/virtualNetworks/{virtualNetworkName}`,
    sdk: (n, p, o) => n.virtualNetworks.get(p("resourceGroupName"), p("virtualNetworkName"), o),
  },
  "PrivateZoneGet.json": { kind: "get", template: `${NET}/privateDnsZones/{privateZoneName}` },
  "RecordSetAGet.json": {
    kind: "get",
    template: `${NET}/privateDnsZones/{privateZoneName}/{recordType}/{relativeRecordSetName}`,
  },
  "VirtualNetworkLinkGet.json": {
    kind: "get",
    template: `${NET}/privateDnsZones/{privateZoneName}/virtualNetworkLinks/{virtualNetworkLinkName}`,
  },
  "RelayNameSpaceGet.json": { kind: "get", template: RELAY },
  "PrivateEndpointConnectionsGet.json": {
    kind: "get",
    template: `${RELAY}/privateEndpointConnections/{privateEndpointConnectionName}`,
  },
  "PrivateEndpointConnectionsList.json": { kind: "list", template: `${RELAY}/privateEndpointConnections` },
  "PrivateLinkResourcesGet.json": {
    kind: "get",
    template: `${RELAY}/privateLinkResources/{privateLinkResourceName}`,
  },
  "PrivateLinkResourcesList.json": { kind: "list", template: `${RELAY}/privateLinkResources` },
  "OperationStatusPrivateEndpointConnectionsGet.json": {
    kind: "get",
    template: `${RELAY}/privateEndpointConnections/{privateEndpointConnectionName}/operationStatus/{privateEndpointConnectionName}`,
  },
  "RelayNetworkRuleSetGet.json": { kind: "get", template: `${RELAY}/networkRuleSets/default` },
};

/** Examples that are not GETs (writes, POST checks) or not resources (metrics, Resource Graph: own checks). */
export function exampleCategory(relPath: string): "get" | "not-get" | "excluded" | "unknown" {
  const base = path.basename(relPath);
  const top = relPath.split(/[\\/]/)[0] ?? "";
  if (top === "monitor" || top === "resourcegraph") return "excluded";
  if (EXAMPLE_OPERATIONS[base]) return "get";
  if (/(Create|Delete|Update|Check)/.test(base)) return "not-get";
  return "unknown";
}

export interface RoundTripResult {
  file: string;
  ok: boolean;
  /** One line per comparison made. */
  notes: string[];
  problems: string[];
}

interface Example {
  parameters: Params;
  responses: Record<string, { body?: unknown }>;
}

function fill(template: string, params: Params): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`example has no parameter "${name}" for ${template}`);
    return String(v);
  });
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isDoc(v: unknown): v is Doc {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Seeds the body where the example's request finds it: at its own `id` when that is the request path,
 * otherwise at the request path (some published examples carry IDs that do not match their parameters).
 */
function seedExample(
  state: EmulatorState,
  op: ExampleOperation,
  requestPath: string,
  body: Doc,
  notes: string[],
): void {
  if (op.kind === "get") {
    if (typeof body["id"] === "string" && keyOf(body["id"]) === keyOf(requestPath)) state.add(body);
    else {
      state.add(body, { at: requestPath });
      notes.push(
        `body id ${JSON.stringify(body["id"])} differs from the request path; seeded at ${requestPath}`,
      );
    }
    return;
  }
  const items = Array.isArray(body["value"]) ? (body["value"] as unknown[]) : [];
  const rp = parseArmPath(requestPath);
  const bySubscription = !rp.resourceGroup && rp.types.length === 1;
  const anonymous: Doc[] = [];
  for (const item of items) {
    if (!isDoc(item)) continue;
    const id = typeof item["id"] === "string" ? item["id"] : undefined;
    const ip = id ? parseArmPath(id) : undefined;
    const fits =
      id !== undefined &&
      ip !== undefined &&
      (bySubscription
        ? ip.subscriptionId?.toLowerCase() === rp.subscriptionId?.toLowerCase() &&
          `${ip.provider}/${ip.types[0] ?? ""}`.toLowerCase() ===
            `${rp.provider}/${rp.types[0] ?? ""}`.toLowerCase() &&
          ip.types.length === 1
        : keyOf(id.split("/").slice(0, -1).join("/")) === keyOf(requestPath));
    if (fits) state.add(item);
    else if (typeof item["name"] === "string") {
      state.add(item, { at: `${requestPath}/${item["name"]}` });
      notes.push(`item id ${JSON.stringify(id)} is not in ${requestPath}; seeded there by name`);
    } else anonymous.push(item);
  }
  if (anonymous.length > 0) state.addToCollection(requestPath, anonymous);
}

async function collect(result: Promise<unknown> | AsyncIterable<unknown>): Promise<unknown> {
  if (Symbol.asyncIterator in Object(result)) {
    const out: unknown[] = [];
    for await (const x of result as AsyncIterable<unknown>) out.push(x);
    return out;
  }
  return await result;
}

/** Round-trips one example file; `state` is reset first so examples never see each other. */
export async function roundTripExample(
  file: string,
  relPath: string,
  arm: ArmContext,
  state: EmulatorState,
): Promise<RoundTripResult> {
  const notes: string[] = [];
  const problems: string[] = [];
  const op = EXAMPLE_OPERATIONS[path.basename(relPath)];
  if (!op) return { file: relPath, ok: false, notes, problems: [`no operation known for ${relPath}`] };
  const example = JSON.parse(fs.readFileSync(file, "utf8")) as Example;
  const body = example.responses["200"]?.body;
  if (!isDoc(body))
    return { file: relPath, ok: false, notes, problems: ["example has no 200 response body"] };
  const requestPath = fill(op.template, example.parameters);
  const apiVersion = String(example.parameters["api-version"] ?? "");
  state.reset();
  seedExample(state, op, requestPath, body, notes);

  // 1. The real @azure/arm-network client (its own api-version), comparing the raw JSON it received.
  if (op.sdk) {
    const net = arm.network(String(example.parameters["subscriptionId"]));
    const raw: unknown[] = [];
    const p = (name: string): string => {
      const v = example.parameters[name];
      if (v === undefined) throw new Error(`${relPath}: no parameter "${name}"`);
      return String(v);
    };
    try {
      const result = await collect(
        op.sdk(net, p, { onResponse: (r) => raw.push(r.bodyAsText ? JSON.parse(r.bodyAsText) : undefined) }),
      );
      if (op.kind === "get") {
        if (!same(raw[0], body))
          problems.push(
            `SDK raw body differs from the example:\n  got      ${JSON.stringify(raw[0])}\n  expected ${JSON.stringify(body)}`,
          );
        const d = result as { id?: string; name?: string };
        if (d.name !== body["name"])
          problems.push(`SDK deserialized name ${JSON.stringify(d.name)} != ${JSON.stringify(body["name"])}`);
        if (d.id !== body["id"])
          problems.push(`SDK deserialized id ${JSON.stringify(d.id)} != ${JSON.stringify(body["id"])}`);
        notes.push(`SDK get ${requestPath}: raw JSON identical`);
      } else {
        if (raw.length !== 1 || !same(raw[0], body))
          problems.push(
            `SDK raw list page differs from the example:\n  got      ${JSON.stringify(raw)}\n  expected ${JSON.stringify(body)}`,
          );
        const items = result as unknown[];
        const expected = body["value"] as unknown[];
        if (items.length !== expected.length)
          problems.push(`SDK listed ${items.length} items, example has ${expected.length}`);
        notes.push(`SDK list ${requestPath}: ${items.length} items, raw JSON identical`);
      }
    } catch (e) {
      problems.push(`SDK call failed: ${(e as Error).message}`);
    }
  }

  // 2. The generic ARM client with the example's own api-version (the version the published specs describe).
  try {
    if (op.kind === "get") {
      const got = await arm.generic.get(requestPath, apiVersion);
      if (!same(got, body))
        problems.push(
          `generic GET (${apiVersion}) differs:\n  got      ${JSON.stringify(got)}\n  expected ${JSON.stringify(body)}`,
        );
      else notes.push(`generic get ${apiVersion}: identical`);
    } else {
      const got: unknown[] = [];
      for await (const x of arm.generic.list(requestPath, apiVersion)) got.push(x);
      if (!same(got, body["value"]))
        problems.push(
          `generic list (${apiVersion}) differs:\n  got      ${JSON.stringify(got)}\n  expected ${JSON.stringify(body["value"])}`,
        );
      else notes.push(`generic list ${apiVersion}: ${got.length} items identical`);
    }
  } catch (e) {
    problems.push(`generic call failed: ${(e as Error).message}`);
  }
  return { file: relPath, ok: problems.length === 0, notes, problems };
}

/** All example files below `dir` with their path relative to it. */
export function exampleFiles(dir: string): { file: string; rel: string }[] {
  const out: { file: string; rel: string }[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith(".json")) out.push({ file: full, rel: path.relative(dir, full) });
    }
  };
  walk(dir);
  return out;
}

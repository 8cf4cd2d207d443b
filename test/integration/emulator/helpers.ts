import * as https from "node:https";
import * as path from "node:path";
import {
  createArmContext,
  StaticTokenCredential,
  type ArmContext,
  type ArmContextOptions,
} from "../../../src/adapters/arm/context";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../../src/emulator";

/** Where integration tests record traffic for `npm run conformance` (gitignored). */
export const RECORD_DIR =
  process.env["LINKGATE_RECORD_DIR"] ?? path.resolve(__dirname, "../../../.recordings");

export const FIXTURES = path.resolve(__dirname, "../../fixtures/arm");

export const SUB = "11111111-1111-1111-1111-111111111111";
export const TENANT = "22222222-2222-2222-2222-222222222222";
export const RG = "rg-links";
export const PLS_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/privateLinkServices/pls1`;
export const RELAY_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Relay/namespaces/relay1`;

export function connection(
  parentId: string,
  name: string,
  status: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id: `${parentId}/privateEndpointConnections/${name}`,
    name,
    ...extra,
    properties: {
      privateEndpoint: {
        id: `/subscriptions/${SUB}/resourceGroups/rg-consumer/providers/Microsoft.Network/privateEndpoints/pe-${name}`,
      },
      // No actionsRequired: Network's connection state has it, Relay's schema does not (oav would flag it).
      privateLinkServiceConnectionState: { status, description: `request ${name}` },
    },
  };
}

/** A small estate: a subscription with its tenant, a PLS with two connections, a Relay namespace with one. */
export function estate(): unknown[] {
  return [
    {
      id: `/subscriptions/${SUB}`,
      subscriptionId: SUB,
      tenantId: TENANT,
      displayName: "links",
      state: "Enabled",
    },
    {
      id: PLS_ID,
      name: "pls1",
      type: "Microsoft.Network/privateLinkServices",
      location: "westeurope",
      etag: 'W/"00000000-0000-0000-0000-000000000001"',
      properties: {
        provisioningState: "Succeeded",
        privateEndpointConnections: [
          {
            ...connection(PLS_ID, "c-pending", "Pending"),
            type: "Microsoft.Network/privateLinkServices/privateEndpointConnections",
            etag: 'W/"1"',
          },
          {
            ...connection(PLS_ID, "c-approved", "Approved"),
            type: "Microsoft.Network/privateLinkServices/privateEndpointConnections",
            etag: 'W/"2"',
          },
        ],
      },
    },
    {
      id: RELAY_ID,
      name: "relay1",
      type: "Microsoft.Relay/Namespaces",
      location: "West Europe",
      properties: { provisioningState: "Succeeded", privateEndpointConnections: [] },
    },
    connection(RELAY_ID, "r-pending", "Pending", {
      type: "Microsoft.Relay/Namespaces/PrivateEndpointConnections",
    }),
  ];
}

export interface Harness {
  emulator: RunningEmulator;
  arm: ArmContext;
}

/** Fast retries: tests inject 429s and 503s and should not wait out the SDK's default back-off. */
export const FAST_RETRY = { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 50 };

/** The real SDK clients (emulator mode) for a running emulator, trusting its CA. */
export function emulatorArm(
  emulator: RunningEmulator,
  retryOptions?: ArmContextOptions["retryOptions"],
): ArmContext {
  return createArmContext({
    endpoint: emulator.url,
    extraCaPem: emulator.caPem,
    credential: new StaticTokenCredential(),
    emulator: true,
    retryOptions,
    // Short polls of long-running writes; the production 1 s floor has its own test
    // (test/integration/arm/writeContracts.test.ts).
    lro: { minDelayInMs: 10, maxDelayInMs: 50 },
  });
}

/** Starts an emulator recording into RECORD_DIR and an ARM context trusting its CA, with fast retries. */
export async function harness(options: EmulatorOptions = {}, retry = FAST_RETRY): Promise<Harness> {
  const emulator = await startEmulator({ recordDir: RECORD_DIR, lroRetryAfterSeconds: 0, ...options });
  return { emulator, arm: emulatorArm(emulator, retry) };
}

/** Raw-response capture for SDK calls. */
export function capture(): {
  statuses: number[];
  bodies: unknown[];
  onResponse: (r: { status: number; bodyAsText?: string | null }) => void;
} {
  const statuses: number[] = [];
  const bodies: unknown[] = [];
  return {
    statuses,
    bodies,
    onResponse: (r) => {
      statuses.push(r.status);
      bodies.push(r.bodyAsText ? JSON.parse(r.bodyAsText) : undefined);
    },
  };
}

/** A raw HTTPS request trusting only the emulator's CA (for what the SDK hides: headers, missing auth). */
export function raw(
  h: { emulator: RunningEmulator },
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${h.emulator.url}${path}`,
      { method, headers, ca: h.emulator.caPem },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString("utf8")));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

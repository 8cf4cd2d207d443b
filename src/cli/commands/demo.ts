/**
 * `linkgate demo`: starts the embedded emulator with the sample estate (examples/demo-estate) and shows
 * what it serves through the real SDK clients — the same ARM context the Functions use in emulator mode.
 * `runDemo` is the extension point: later steps (decisions, a sweep) add sections after the inventory.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import { createArmContext, StaticTokenCredential, type ArmContext } from "../../adapters/arm/context";
import { apiVersionFor } from "../../adapters/arm/apiVersions";
import { ArmApprovalAdapter } from "../../adapters/arm/armReader";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { EXIT_FAIL, EXIT_OK, type CliContext, type CliIo } from "../io";
import { handleEventInput, type HandleEventDeps } from "../../core/events/handle";
import type { DecisionRecord, PolicyRuntime } from "../../core/reconcile";
import { runSweep, type SweepResult } from "../../core/sweep";
import { tryParseResourceId, resourceType } from "../../core/resourceId";
import { nullTelemetry, type Clock, type Logger } from "../../ports";
import { approvalDeps, loadPolicyRuntime } from "../../adapters/compose";
import { parseDnsTable, startDnsServer } from "../../adapters/dns/answerServer";
import { sweepRuntime } from "../../adapters/inventory/sweepRuntime";
import { formatTable } from "./sweep";

export interface DemoOptions {
  /** Seed directory; default: the repository's examples/demo-estate. */
  seedDir?: string;
  /** Subscription to show; default: every subscription the estate's management group holds. */
  subscriptions?: string[];
  /** Management group to read subscriptions from. Default mg-platform (the demo estate's). */
  managementGroup?: string;
  /** Receives the sweep's result (tests assert on it). */
  onSweep?: (result: SweepResult) => void;
  /** Receives the decisions the connection event led to. */
  onEventDecisions?: (decisions: readonly DecisionRecord[]) => void;
  /** Receives the managed-endpoint step's decisions: the origin's event, then the look-alike's. */
  onManagedDecisions?: (decisions: { origin: DecisionRecord[]; lookalike: DecisionRecord[] }) => void;
}

/** What a demo step gets: the running emulator, an ARM context pointed at it, and where to write. */
export interface DemoContext {
  io: CliIo;
  emulator: RunningEmulator;
  arm: ArmContext;
  subscriptions: string[];
  seedDir: string;
  options: DemoOptions;
  /** The demo policy, read on first use and shared by the steps. */
  policy?: Promise<PolicyRuntime>;
  /** The approval path's ports (as the Event Grid function builds them), built on first use and shared. */
  approval?: Promise<HandleEventDeps>;
}

function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the package root above ${__dirname}`);
    dir = up;
  }
  return dir;
}

export function defaultDemoEstate(): string {
  return path.join(packageRoot(), "examples", "demo-estate");
}

function stateOf(c: { privateLinkServiceConnectionState?: { status?: string } } | undefined): string {
  return c?.privateLinkServiceConnectionState?.status ?? "?";
}

/** Step 1: the inventory, read through @azure/arm-network and the generic client. */
export async function showInventory(d: DemoContext): Promise<void> {
  const out = (s: string): boolean => d.io.stdout.write(`${s}\n`);
  for (const sub of d.subscriptions) {
    const subscription = await d.arm.generic.get(`/subscriptions/${sub}`, apiVersionFor("subscriptions"));
    out(
      `subscription ${sub} (${String(subscription?.["displayName"] ?? "?")}, tenant ${String(subscription?.["tenantId"] ?? "?")})`,
    );
    const net = d.arm.network(sub);
    for await (const pls of net.privateLinkServices.listBySubscription()) {
      out(`  private link service ${pls.id ?? pls.name}`);
      for (const c of pls.privateEndpointConnections ?? []) {
        out(`    connection ${c.name}: ${stateOf(c)} from ${c.privateEndpoint?.id ?? "?"}`);
      }
    }
    for await (const pe of net.privateEndpoints.listBySubscription()) {
      out(`  private endpoint ${pe.id ?? pe.name}`);
    }
    const graph = await d.arm.generic.post(
      "/providers/Microsoft.ResourceGraph/resources",
      apiVersionFor("microsoft.resourcegraph/resources"),
      {
        subscriptions: [sub],
        query: "Resources | where isnotempty(properties.privateEndpointConnections) | project id, type",
        options: { resultFormat: "objectArray" },
      },
    );
    for (const row of (graph["data"] as { id: string; type: string }[] | undefined) ?? []) {
      if (row.type === "microsoft.network/privatelinkservices") continue;
      out(`  ${row.type} ${row.id}`);
      // Read where each provider exposes them (Key Vault, for one, has no list operation).
      for await (const c of new ArmApprovalAdapter(d.arm).listConnections(row.id)) {
        out(`    connection ${c.name}: ${c.rawStatus ?? "?"} from ${c.privateEndpointId ?? "?"}`);
      }
    }
  }
}

/** The demo steps, in order; later issues append theirs. */
export const DEMO_STEPS: ((d: DemoContext) => Promise<void>)[] = [
  showInventory,
  sendConnectionEvent,
  managedEndpoints,
  sweepEstate,
];

export async function runDemo(io: CliIo, options: DemoOptions = {}): Promise<number> {
  const seedDir = options.seedDir ?? defaultDemoEstate();
  const emulator = await startEmulator({ seedDir, lroRetryAfterSeconds: 0 });
  try {
    io.stdout.write(`emulator ${emulator.url} serving ${path.relative(io.cwd, seedDir) || seedDir}\n`);
    const arm = createArmContext({
      endpoint: emulator.url,
      extraCaPem: emulator.caPem,
      credential: new StaticTokenCredential(),
      emulator: true,
    });
    const subscriptions =
      options.subscriptions ??
      emulator.state.managementGroupSubscriptions(options.managementGroup ?? "mg-platform") ??
      [];
    if (subscriptions.length === 0) {
      io.stderr.write(
        `linkgate demo: no subscriptions to show (management group "${options.managementGroup ?? "mg-platform"}" is not in ${seedDir})\n`,
      );
      return EXIT_FAIL;
    }
    const ctx: DemoContext = { io, emulator, arm, subscriptions, seedDir, options };
    for (const step of DEMO_STEPS) await step(ctx);
    return EXIT_OK;
  } finally {
    await emulator.stop();
  }
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("demo")
    .description(
      "run linkgate against the embedded emulator with a sample estate. Never talks to Azure (local emulator only)",
    )
    .option("--seed <dir>", "seed directory (default: examples/demo-estate)")
    .action(async (opts: { seed?: string }) => {
      ctx.exitCode = await runDemo(ctx.io, {
        seedDir: opts.seed ? path.resolve(ctx.io.cwd, opts.seed) : undefined,
      });
    });
}

/*
 * Sweep demo (issue 4): the estate's files prefixed `sweep-` plant one resource failing each health check
 * next to resources passing it (examples/demo-estate/README.md lists them); policy.yaml is the demo policy
 * and dns-answers.yaml what the loopback DNS server answers.
 */

/** The instant the demo estate is a snapshot of: its metrics cover the hour before. */
export const DEMO_NOW = new Date("2025-01-06T10:00:00Z");
export const DEMO_SWEEP_GROUP = "mg-sweep";
/** The connection the demo's event announces (Pending in the seed; the policy approves it). */
export const DEMO_EVENT_CONNECTION =
  "/subscriptions/aaaaaaaa-0000-4000-8000-000000000001/resourceGroups/rg-demo/providers/Microsoft.Network/privateLinkServices/pls-good/privateEndpointConnections/pe-new.conn";

/** The snapshot instant plus the real time elapsed since the demo started, so durations stay true. */
const demoStarted = Date.now();
const demoClock: Clock = { now: () => new Date(DEMO_NOW.getTime() + (Date.now() - demoStarted)) };

/** Only what the demo prints matters; the logs would repeat it. */
function quietLogger(io: CliIo): Logger {
  return {
    info: () => {},
    warn: (m) => io.stderr.write(`warning: ${m}\n`),
    error: (m) => io.stderr.write(`error: ${m}\n`),
  };
}

/**
 * The demo's environment: the estate's sweep scope and nothing that reaches beyond loopback (no App Insights,
 * no Table Storage: the sweep runs stateless).
 */
function demoEnv(d: DemoContext, extra: Record<string, string>): NodeJS.ProcessEnv {
  const subs = d.emulator.state.managementGroupSubscriptions(DEMO_SWEEP_GROUP) ?? d.subscriptions;
  return {
    LINKGATE_SUBSCRIPTIONS: subs.join(","),
    LINKGATE_POLICY_FILE: path.join(d.seedDir, "policy.yaml"),
    ...extra,
  };
}

function demoPolicy(d: DemoContext, logger: Logger): Promise<PolicyRuntime> {
  d.policy ??= (async () => {
    const file = path.join(d.seedDir, "policy.yaml");
    const loaded = await loadPolicyRuntime(file, logger);
    if (loaded.errors.length > 0)
      throw new Error(`demo policy ${file} is invalid:\n${loaded.errors.join("\n")}`);
    return loaded.runtime;
  })();
  return d.policy;
}

/** The approval path the Event Grid function runs, over the demo's policy and emulator. */
function demoApproval(d: DemoContext, logger: Logger): Promise<HandleEventDeps> {
  d.approval ??= demoPolicy(d, logger).then((policy) =>
    approvalDeps({
      env: demoEnv(d, {}),
      logger,
      policy,
      telemetry: nullTelemetry,
      clock: demoClock,
      arm: d.arm,
    }),
  );
  return d.approval;
}

/** `…/pls-good/privateEndpointConnections/pe-new.conn`: the last three segments. */
const short = (id: string): string => id.split("/").slice(-3).join("/");

/**
 * A `Microsoft.Resources.ResourceWriteSuccess` event (Event Grid schema) for a write of `resourceId`, shaped as
 * ARM raises it: the operation and provider are the written resource type's own.
 */
export function demoWriteEvent(id: string, resourceId: string): Record<string, unknown> {
  const p = tryParseResourceId(resourceId);
  if (!p?.provider) throw new Error(`demo: ${resourceId} is not a resource ID below a provider`);
  return {
    id,
    topic: `/subscriptions/${p.subscriptionId}`,
    subject: resourceId,
    eventType: "Microsoft.Resources.ResourceWriteSuccess",
    eventTime: DEMO_NOW.toISOString(),
    dataVersion: "2",
    metadataVersion: "1",
    data: {
      resourceUri: resourceId,
      operationName: `${resourceType(p)}/write`,
      resourceProvider: p.provider,
      status: "Succeeded",
      subscriptionId: p.subscriptionId,
    },
  };
}

/** `event: ResourceWriteSuccess OPERATION for pls/privateEndpointConnections/name`. */
function printEvent(io: CliIo, event: Record<string, unknown>, suffix = ""): void {
  const data = event["data"] as { operationName: string; resourceUri: string };
  io.stdout.write(
    `event: ResourceWriteSuccess ${data.operationName} for ${short(data.resourceUri)}${suffix}\n`,
  );
}

function printDecision(io: CliIo, r: DecisionRecord): void {
  io.stdout.write(
    `  ${r.action.toUpperCase()} ${short(r.connectionId)} by rule ${r.ruleId} (${r.mode}${r.written ? ", written to ARM" : ""})\n`,
  );
}

/** Step 2: a connection write event goes through the same handler as the Event Grid function. */
export async function sendConnectionEvent(d: DemoContext): Promise<void> {
  const { io } = d;
  const logger = quietLogger(io);
  const policy = await demoPolicy(d, logger);
  const deps = await demoApproval(d, logger);
  const event = demoWriteEvent("demo-event-0001", DEMO_EVENT_CONNECTION);
  io.stdout.write("\n");
  printEvent(io, event, ` -> policy ${policy.source}`);
  const result = await handleEventInput([event], deps);
  for (const r of result.decisions) printDecision(io, r);
  for (const f of result.failures) io.stdout.write(`  FAILED ${f.connectionId}: ${f.error}\n`);
  d.options.onEventDecisions?.(result.decisions);
}

/** Step 4: one health sweep over the estate (live DNS from a loopback server), printed as the CLI prints it. */
export async function sweepEstate(d: DemoContext): Promise<void> {
  const { io } = d;
  const logger = quietLogger(io);
  const policy = await demoPolicy(d, logger);
  const table = parseDnsTable(
    fs.readFileSync(path.join(d.seedDir, "dns-answers.yaml"), "utf8"),
    path.join(d.seedDir, "dns-answers.yaml"),
  );
  const dns = await startDnsServer(table);
  try {
    const env = demoEnv(d, { LINKGATE_DNS_RESOLVER: dns.address });
    const runtime = sweepRuntime({
      env,
      logger,
      policy,
      telemetry: nullTelemetry,
      clock: demoClock,
      arm: d.arm,
      useStore: false,
      trigger: "demo",
    });
    io.stdout.write(
      `\nsweep: ${runtime.deps.checks.length} checks over subscriptions ${runtime.options.scope.subscriptions.join(", ")} (snapshot ${DEMO_NOW.toISOString()}, DNS via ${dns.address})\n`,
    );
    const result = await runSweep(runtime.deps, { ...runtime.options, reconcile: true });
    io.stdout.write(formatTable(result));
    d.options.onSweep?.(result);
  } finally {
    await dns.stop();
  }
}

/** The demo's Front Door origin (its profile and group: examples/demo-estate/managed-edge.json) and its target. */
export const DEMO_ORIGIN =
  "/subscriptions/aaaaaaaa-0000-4000-8000-000000000001/resourceGroups/rg-demo-edge/providers/Microsoft.Cdn/profiles/afd-demo/originGroups/og-static/origins/o-blob";
export const DEMO_EDGE_TARGET =
  "/subscriptions/aaaaaaaa-0000-4000-8000-000000000001/resourceGroups/rg-demo/providers/Microsoft.Storage/storageAccounts/stdemo";
/** What the team's deployment writes: a private-link origin asking for stdemo's blob endpoint. */
export const DEMO_ORIGIN_PROPERTIES = {
  hostName: "stdemo.blob.core.windows.net",
  httpPort: 80,
  httpsPort: 443,
  originHostHeader: "stdemo.blob.core.windows.net",
  priority: 1,
  weight: 1000,
  enabledState: "Enabled",
  enforceCertificateNameCheck: true,
  sharedPrivateLinkResource: {
    privateLink: {
      id: "/subscriptions/aaaaaaaa-0000-4000-8000-000000000001/resourceGroups/rg-demo/providers/Microsoft.Storage/storageAccounts/stdemo",
    },
    groupId: "blob",
    privateLinkLocation: "westeurope",
    requestMessage: "Front Door afd-demo origin o-blob",
  },
};

/** Another resource of ours that no origin names: the look-alike copying o-blob's message asks for it. */
export const DEMO_LOOKALIKE_TARGET =
  "/subscriptions/aaaaaaaa-0000-4000-8000-000000000001/resourceGroups/rg-demo/providers/Microsoft.KeyVault/vaults/kv-demo";
/** The look-alikes' endpoint names (so their connections, planted for the sweep, have stable IDs). */
export const DEMO_LOOKALIKE_ENDPOINT = "afd-lookalike";
export const DEMO_LOOKALIKE_ENDPOINT_2 = "afd-lookalike-2";

/**
 * Step 3 (issue 13): a Front Door origin's own write event approves the connection Front Door made for it by
 * corroboration (rule edge-front-door), then a look-alike — same request message, an endpoint in the same
 * Microsoft-managed subscription, no origin behind it — is left Pending. The sweep then reports it
 * (connection-managed-uncorroborated).
 */
export async function managedEndpoints(d: DemoContext): Promise<void> {
  const { io } = d;
  const logger = quietLogger(io);
  const deps = await demoApproval(d, logger);
  const reasonOf = (r: DecisionRecord): string =>
    r.reasons.find((x) => /managedBy/.test(x)) ?? r.reasons[0] ?? "";

  io.stdout.write(
    `\nmanaged endpoints: Front Door origin ${short(DEMO_ORIGIN)} asks for ${short(DEMO_EDGE_TARGET)}; Front Door made its Pending connection from a Microsoft-managed subscription\n`,
  );
  // The team's deployment creates the origin (Microsoft.Cdn 2024-09-01); the emulator, as Front Door does, makes
  // the Pending connection on stdemo from an endpoint in a Microsoft-managed subscription.
  await d.arm.generic.put(DEMO_ORIGIN, "2024-09-01", { properties: DEMO_ORIGIN_PROPERTIES });
  const originEvent = demoWriteEvent("demo-event-0002", DEMO_ORIGIN);
  printEvent(io, originEvent);
  const origin = await handleEventInput([originEvent], deps);
  for (const r of origin.decisions) printDecision(io, r);
  for (const f of origin.failures) io.stdout.write(`  FAILED ${f.connectionId}: ${f.error}\n`);

  // A look-alike copies the origin's request message onto our key vault; a second one asks for stdemo itself
  // with a message of its own. No origin vouches for either.
  const lookalikes = [
    d.emulator.managed.createLookalike({
      service: "frontDoor",
      targetId: DEMO_LOOKALIKE_TARGET,
      requestMessage: DEMO_ORIGIN_PROPERTIES.sharedPrivateLinkResource.requestMessage,
      groupId: "vault",
      endpointName: DEMO_LOOKALIKE_ENDPOINT,
    }),
    d.emulator.managed.createLookalike({
      service: "frontDoor",
      targetId: DEMO_EDGE_TARGET,
      requestMessage: "Front Door origin, please approve",
      groupId: "blob",
      endpointName: DEMO_LOOKALIKE_ENDPOINT_2,
    }),
  ];
  io.stdout.write(
    "look-alikes: Front Door-managed endpoints with no origin of ours behind them (one copies o-blob's request message)\n",
  );
  // Each connection's write names its own target's type: the first is a key vault's, the second a storage account's.
  const events = lookalikes.map((id, i) => demoWriteEvent(`demo-event-000${3 + i}`, id));
  for (const e of events) printEvent(io, e);
  const copy = await handleEventInput(events, deps);
  for (const r of copy.decisions) {
    printDecision(io, r);
    io.stdout.write(`    ${reasonOf(r)}\n`);
  }
  d.options.onManagedDecisions?.({ origin: origin.decisions, lookalike: copy.decisions });
}

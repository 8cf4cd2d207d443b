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
import { startEmulator, type RunningEmulator } from "../../emulator";
import { EXIT_FAIL, EXIT_OK, type CliContext, type CliIo } from "../io";

export interface DemoOptions {
  /** Seed directory; default: the repository's examples/demo-estate. */
  seedDir?: string;
  /** Subscription to show; default: every subscription the estate's management group holds. */
  subscriptions?: string[];
  /** Management group to read subscriptions from. Default mg-platform (the demo estate's). */
  managementGroup?: string;
}

/** What a demo step gets: the running emulator, an ARM context pointed at it, and where to write. */
export interface DemoContext {
  io: CliIo;
  emulator: RunningEmulator;
  arm: ArmContext;
  subscriptions: string[];
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
      for await (const c of d.arm.generic.list(
        `${row.id}/privateEndpointConnections`,
        apiVersionFor(row.type),
      )) {
        const props = c["properties"] as
          | { privateLinkServiceConnectionState?: { status?: string }; privateEndpoint?: { id?: string } }
          | undefined;
        out(
          `    connection ${String(c["name"])}: ${stateOf(props)} from ${props?.privateEndpoint?.id ?? "?"}`,
        );
      }
    }
  }
}

/** The demo steps, in order; later issues append theirs. */
export const DEMO_STEPS: ((d: DemoContext) => Promise<void>)[] = [showInventory];

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
    const ctx: DemoContext = { io, emulator, arm, subscriptions };
    for (const step of DEMO_STEPS) await step(ctx);
    return EXIT_OK;
  } finally {
    await emulator.stop();
  }
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("demo")
    .description("run linkgate against the embedded emulator with a sample estate")
    .option("--seed <dir>", "seed directory (default: examples/demo-estate)")
    .action(async (opts: { seed?: string }) => {
      ctx.exitCode = await runDemo(ctx.io, {
        seedDir: opts.seed ? path.resolve(ctx.io.cwd, opts.seed) : undefined,
      });
    });
}

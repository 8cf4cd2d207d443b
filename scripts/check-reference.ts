/**
 * Checks the emulator against the published reference data in a directory laid out like ../shared/reference:
 * a list of named checks, each printing what it verified and failing loudly. Usage:
 *   node dist/scripts/check-reference.js ../shared/reference
 * Exit code 0 when every check passed, 1 otherwise, 2 on a usage error.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { createArmContext, StaticTokenCredential } from "../src/adapters/arm/context";
import { startEmulator } from "../src/emulator";
import { exampleCategory, exampleFiles, roundTripExample } from "../src/emulator/roundTrip";
import { parseEvents } from "../src/core/events/parse";

export interface CheckContext {
  referenceDir: string;
  log: (line: string) => void;
}

export interface ReferenceCheck {
  name: string;
  /** Resolves to the number of items verified; throws (or rejects) with every problem found. */
  run(ctx: CheckContext): Promise<number>;
}

/** Every GET example under arm-examples/ round-trips unchanged through the emulator and the real SDK. */
const armExamplesRoundTrip: ReferenceCheck = {
  name: "arm-examples: every GET example round-trips through the real SDK",
  async run({ referenceDir, log }) {
    const dir = path.join(referenceDir, "arm-examples");
    if (!fs.existsSync(dir)) throw new Error(`${dir} does not exist`);
    const emulator = await startEmulator({ pageSize: 100 });
    const arm = createArmContext({
      endpoint: emulator.url,
      extraCaPem: emulator.caPem,
      credential: new StaticTokenCredential(),
      emulator: true,
      retryOptions: { maxRetries: 0 },
    });
    const problems: string[] = [];
    let verified = 0;
    try {
      for (const { file, rel } of exampleFiles(dir)) {
        const category = exampleCategory(rel);
        if (category === "excluded") continue;
        if (category === "not-get") {
          log(`  skip ${rel} (not a GET example)`);
          continue;
        }
        if (category === "unknown") {
          problems.push(
            `${rel}: unclassified example; add its operation to src/emulator/roundTrip.ts EXAMPLE_OPERATIONS`,
          );
          continue;
        }
        const r = await roundTripExample(file, rel, arm, emulator.state);
        for (const n of r.notes) log(`  ${rel}: ${n}`);
        if (r.ok) verified++;
        else problems.push(...r.problems.map((p) => `${rel}: ${p}`));
      }
    } finally {
      await emulator.stop();
    }
    if (problems.length > 0) throw new Error(problems.join("\n"));
    return verified;
  },
};

/**
 * Every published event payload under events/ parses with the handler's own parser: each event is either
 * accepted (with the resource to reconcile) or deliberately ignored, never malformed.
 */
const eventPayloads: ReferenceCheck = {
  name: "event payloads: every events/*.json parses (Event Grid and CloudEvents schema)",
  async run({ referenceDir, log }) {
    const dir = path.join(referenceDir, "events");
    if (!fs.existsSync(dir)) throw new Error(`${dir} does not exist`);
    const problems: string[] = [];
    let verified = 0;
    const files = fs.readdirSync(dir).filter((f) => f.endsWith(".json"));
    for (const name of files.sort()) {
      let input: unknown;
      try {
        input = JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")) as unknown;
      } catch (e) {
        problems.push(`events/${name}: not JSON: ${(e as Error).message}`);
        continue;
      }
      for (const p of parseEvents(input)) {
        if (p.status === "malformed") {
          problems.push(`events/${name}: ${p.reason}`);
          continue;
        }
        const what = p.status === "accepted" ? `accepted (${p.hint.kind})` : `ignored: ${p.reason}`;
        log(`  events/${name}: ${p.event.schema} ${p.event.type} ${what}`);
        verified++;
      }
    }
    if (verified === 0 && problems.length === 0) problems.push(`${dir}: no event payloads found`);
    if (problems.length > 0) throw new Error(problems.join("\n"));
    return verified;
  },
};

/** The named checks, in order. Other parts (e.g. Event Grid payloads) append theirs here. */
export const CHECKS: ReferenceCheck[] = [armExamplesRoundTrip, eventPayloads];

export async function runChecks(
  referenceDir: string,
  log: (line: string) => void = console.log,
): Promise<number> {
  let failed = 0;
  for (const check of CHECKS) {
    try {
      const n = await check.run({ referenceDir, log });
      log(`ok   ${check.name} (${n} verified)`);
    } catch (e) {
      failed++;
      log(`FAIL ${check.name}\n${(e as Error).message}`);
    }
  }
  return failed;
}

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir) {
    console.error("usage: node dist/scripts/check-reference.js <reference dir, e.g. ../shared/reference>");
    process.exit(2);
  }
  runChecks(path.resolve(dir)).then(
    (failed) => process.exit(failed === 0 ? 0 : 1),
    (e: unknown) => {
      console.error(`check-reference: ${(e as Error).message}`);
      process.exit(2);
    },
  );
}

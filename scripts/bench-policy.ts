/**
 * Policy engine timings (`npm run bench`): the hostile-regex figure the tests deliberately do not time,
 * decision throughput over the shipped example policy, and parse/validate time. Prints one line per figure.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { DecisionFacts } from "../src/core/model";
import { evaluate, parsePolicy, searchBounded } from "../src/core/policy";

function time<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

function main(): void {
  const root = join(__dirname, "..", "..");
  const policyText = readFileSync(join(root, "examples/policy.yaml"), "utf8");

  // 1. Catastrophic-backtracking pattern on attacker-sized input through RE2 (linear time).
  for (const n of [10_000, 100_000, 1_000_000]) {
    const text = `${"a".repeat(n)}!`;
    const r = time(() => searchBounded("^(a+)+$", text, n + 1));
    console.log(`re2 ^(a+)+$ on ${n + 1} chars: ${r.value.kind} in ${r.ms.toFixed(1)} ms`);
  }
  // The same pattern in JavaScript's backtracking RegExp, on tiny inputs: time doubles per character.
  for (const n of [18, 20, 22]) {
    const text = `${"a".repeat(n)}!`;
    const r = time(() => /^(a+)+$/.test(text));
    console.log(
      `RegExp ^(a+)+$ on ${n + 1} chars: ${r.value ? "match" : "no-match"} in ${r.ms.toFixed(1)} ms`,
    );
  }

  // 2. Parse + validate the example policy.
  const runs = 200;
  const parse = time(() => {
    for (let i = 0; i < runs; i++) parsePolicy(policyText, "examples/policy.yaml");
  });
  console.log(`parsePolicy(examples/policy.yaml): ${((parse.ms / runs) * 1000).toFixed(0)} µs per parse`);

  // 3. Decisions per second: a request that walks every rule to the default (the slowest path).
  const parsed = parsePolicy(policyText, "examples/policy.yaml");
  if ("errors" in parsed) throw new Error("examples/policy.yaml is invalid; run linkgate policy validate");
  const facts: DecisionFacts = {
    requester: {
      tenantId: "00000000-0000-0000-0000-000000000001",
      subscriptionId: "aaaaaaaa-1111-4111-8111-111111111111",
      resourceGroup: "rg-app-orders",
      endpointName: "pe-orders",
    },
    target: {
      id: "/subscriptions/bbbbbbbb-2222-4222-8222-222222222222/resourceGroups/prod-messaging/providers/Microsoft.Relay/namespaces/relay1",
      type: "Microsoft.Relay/namespaces",
      location: "westeurope",
      tags: { "linkgate-auto-approve": "true" },
      groupIds: ["namespace"],
    },
    requestMessage: "no ticket here",
    approvedCount: 10,
    targetTenantId: "00000000-0000-0000-0000-000000000001",
    at: "2025-03-29T10:00:00Z",
  };
  const n = 20_000;
  const decide = time(() => {
    let last = "";
    for (let i = 0; i < n; i++) last = evaluate(parsed.policy, facts).ruleId;
    return last;
  });
  console.log(
    `evaluate (every rule tried, decided by ${decide.value}): ${((decide.ms / n) * 1000).toFixed(1)} µs per decision, ` +
      `${Math.round(n / (decide.ms / 1000))} decisions/s`,
  );
}

main();

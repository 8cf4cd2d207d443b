/** decide --explain names the corroborating definition (the trace of the managedBy condition). */
import { formatExplanation } from "../../../src/cli/commands/decide";
import type { ManagedByFacts } from "../../../src/core/model";
import { explain, parsePolicy } from "../../../src/core/policy";

const PROFILE = "/subscriptions/s/resourceGroups/rg-edge/providers/Microsoft.Cdn/profiles/afd1";
const ORIGIN = `${PROFILE}/originGroups/og/origins/o1`;

describe("decide --explain with requester.managedBy", () => {
  it.each<[string, ManagedByFacts, RegExp]>([
    [
      "corroborated",
      {
        outcome: "corroborated",
        service: "frontDoor",
        definitionId: ORIGIN,
        ownerId: PROFILE,
        strength: "strong",
      },
      new RegExp(
        `MATCH rule edge\\n +ok +requester\\.managedBy: corroborated by Front Door origin ${ORIGIN.replace(/\//g, "\\/")}`,
      ),
    ],
    [
      "unread",
      { outcome: "unknown", detail: "reader threw 503" },
      /UNKN requester\.managedBy: managed private endpoint definitions unknown: reader threw 503/,
    ],
  ])("%s", (_name, managedBy, expected) => {
    const p = parsePolicy(
      `apiVersion: linkgate/v1\nrules:\n  - id: edge\n    when: { requester: { managedBy: { frontDoor: ["**"] } } }\n    action: approve\n`,
      "p.yaml",
    );
    if ("errors" in p) throw new Error("bad policy");
    const text = formatExplanation(explain(p.policy, { requester: { managedBy }, target: {} }));
    expect(text).toMatch(expected);
  });
});

import { parseDecisionFacts } from "../../../src/core/policy";

const PROFILE = "/subscriptions/s/resourceGroups/rg-edge/providers/Microsoft.Cdn/profiles/afd1";
const withManaged = (managedBy: unknown) => ({ requester: { managedBy }, target: {} });

describe("decide --request: requester.managedBy", () => {
  it.each<[string, unknown]>([
    [
      "corroborated",
      {
        outcome: "corroborated",
        service: "frontDoor",
        definitionId: `${PROFILE}/originGroups/g/origins/o`,
        ownerId: PROFILE,
        strength: "strong",
        matchedFields: ["targetId", "location", "requestMessage"],
      },
    ],
    ["none", { outcome: "none", detail: "no definition" }],
    [
      "ambiguous",
      {
        outcome: "ambiguous",
        candidates: [{ service: "dataFactory", definitionId: "/d", ownerId: "/o" }],
        rivalConnectionIds: ["/c2"],
      },
    ],
    ["unknown", { outcome: "unknown", detail: "reader threw" }],
  ])("accepts %s and keeps it as the fact", (_name, managedBy) => {
    const r = parseDecisionFacts(withManaged(managedBy), "req.json");
    expect("facts" in r && r.facts.requester.managedBy).toEqual(managedBy);
  });

  it.each<[string, unknown, string[]]>([
    [
      "not an object",
      "corroborated",
      ["req.json: requester.managedBy: must be an object (see docs/managed-endpoints.md)"],
    ],
    [
      "no outcome",
      {},
      ["req.json: requester.managedBy.outcome: must be one of: corroborated, none, ambiguous, unknown"],
    ],
    [
      "an unknown service and strength",
      { outcome: "none", service: "cdn", strength: "very" },
      [
        "req.json: requester.managedBy.service: must be one of: frontDoor, dataFactory, synapse, search",
        "req.json: requester.managedBy.strength: must be one of: strong, weak",
      ],
    ],
    [
      "corroborated without its definition",
      { outcome: "corroborated", service: "search" },
      [
        "req.json: requester.managedBy.definitionId: is required when outcome is corroborated",
        "req.json: requester.managedBy.ownerId: is required when outcome is corroborated",
      ],
    ],
    [
      "an unknown key and a bad candidate",
      {
        outcome: "ambiguous",
        definition: "/x",
        candidates: [{ service: "search", definitionId: 1, ownerId: "/o" }],
      },
      [
        "req.json: requester.managedBy.definition: unknown fact; expected one of: outcome, service, definitionId, ownerId, strength, matchedFields, candidates, rivalConnectionIds, detail",
        "req.json: requester.managedBy.candidates[0].definitionId: must be a string",
      ],
    ],
    [
      "fields not a list",
      { outcome: "none", matchedFields: "targetId" },
      ["req.json: requester.managedBy.matchedFields: must be a list of strings"],
    ],
  ])("rejects %s, naming the field", (_name, managedBy, errors) => {
    const r = parseDecisionFacts(withManaged(managedBy), "req.json");
    expect("errors" in r && r.errors).toEqual(errors);
  });
});

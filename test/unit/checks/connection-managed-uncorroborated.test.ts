import { check } from "../../../src/core/checks/connection-managed-uncorroborated";
import type { ManagedEndpointDefinition } from "../../../src/ports";
import {
  byIdIn,
  checkTester,
  context,
  CONSUMER_SUB,
  healthyEstate,
  IDS,
  inventory,
  PROVIDER_SUB,
  set,
  type TestEstate,
} from "./builders";

const STATE = "properties.privateEndpointConnections.0.properties.privateLinkServiceConnectionState";
const PROFILE = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-edge/providers/Microsoft.Cdn/profiles/afd1`;
const PROFILE2 = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-edge/providers/Microsoft.Cdn/profiles/afd2`;

const origin = (
  owner: string,
  name: string,
  over: Partial<ManagedEndpointDefinition> = {},
): ManagedEndpointDefinition => ({
  service: "frontDoor",
  id: `${owner}/originGroups/og/origins/${name}`,
  ownerId: owner,
  targetId: IDS.pls,
  requestMessage: "afd origin",
  ...over,
});

/** The healthy estate's PLS connection, Pending with `message` (its endpoint is in CONSUMER_SUB, unwatched). */
const pendingWith =
  (message: string, defs: ManagedEndpointDefinition[] | undefined) =>
  (e: TestEstate): void => {
    set(byIdIn(e.pls, IDS.pls), `${STATE}.status`, "Pending");
    set(byIdIn(e.pls, IDS.pls), `${STATE}.description`, message);
    if (defs) e.managedDefinitions = defs;
  };

checkTester(check, {
  valid: [
    { name: "no definitions collected", estate: pendingWith("anything", undefined) },
    { name: "corroborated by one origin", estate: pendingWith("afd origin", [origin(PROFILE, "o1")]) },
    {
      name: "no definition names the target (not a managed request)",
      estate: pendingWith("x", [origin(PROFILE, "o1", { targetId: IDS.relay })]),
    },
    {
      name: "the requester is in a watched subscription (our own endpoint)",
      estate: (e) => {
        pendingWith("x", [origin(PROFILE, "o1")])(e);
        e.subscriptions.push(CONSUMER_SUB);
      },
    },
    {
      name: "Approved, not Pending",
      estate: (e) => {
        e.managedDefinitions = [origin(PROFILE, "o1", { requestMessage: "other" })];
      },
    },
  ],
  invalid: [
    {
      name: "a look-alike: same target, another message, no definition vouches",
      estate: pendingWith("look-alike text", [origin(PROFILE, "o1")]),
      expect: [
        {
          resourceId: IDS.plsConnection,
          message: [
            "managed request pe-app.conn",
            "is Pending and no definition vouches for it",
            "the connection's request message (15 characters)",
            "origins/o1 asks with a request message of 10 characters",
          ],
        },
      ],
    },
    {
      name: "ambiguous: two profiles' origins match the same request",
      estate: pendingWith("afd origin", [origin(PROFILE, "o1"), origin(PROFILE2, "o1")]),
      expect: [
        {
          resourceId: IDS.plsConnection,
          message: [
            "is Pending and ambiguous",
            "afd1/originGroups/og/origins/o1",
            "afd2/originGroups/og/origins/o1",
          ],
          severity: "warning",
        },
      ],
    },
  ],
});

describe(`${check.id} in a shard`, () => {
  it.each<[string, string[] | undefined, number]>([
    ["the shard's own subscriptions only: the requester looks unwatched", undefined, 1],
    [
      "the whole estate's subscriptions include the requester's: our own endpoint",
      [PROVIDER_SUB, CONSUMER_SUB],
      0,
    ],
  ])("%s", (_name, estateSubscriptions, findings) => {
    const e = healthyEstate();
    pendingWith("x", [origin(PROFILE, "o1")])(e);
    const inv = inventory(e);
    if (estateSubscriptions) inv.estateSubscriptions = estateSubscriptions;
    expect(check.run(inv, context())).toHaveLength(findings);
  });
});

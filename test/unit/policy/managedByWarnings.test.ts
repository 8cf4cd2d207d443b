/** `policy validate` warnings for requester.managedBy, positioned in the text. */
import { formatPolicyWarning, locatePolicyWarnings } from "../../../src/core/policy/warnings";
import { policyOf } from "./helpers";

const policyText = (requester: string) => `apiVersion: linkgate/v1
rules:
  - id: edge
    when:
      requester:
${requester}
    action: approve
`;

describe("managedBy warnings", () => {
  it.each<[string, string, RegExp[]]>([
    [
      "profile globs are fine",
      `        managedBy:
          frontDoor: ["/subscriptions/*/resourceGroups/rg-edge/providers/Microsoft.Cdn/profiles/*"]
          dataFactory: ["/subscriptions/*/resourceGroups/*/providers/microsoft.datafactory/factories/adf-*"]
          search: ["**"]`,
      [],
    ],
    [
      "another provider",
      `        managedBy:
          frontDoor: ["/subscriptions/*/resourceGroups/rg/providers/Microsoft.Network/frontDoors/*"]`,
      [
        /^p\.yaml:7:23 warning: rules\[0\]\.when\.requester\.managedBy\.frontDoor\[0\]: owner glob ".*" names Microsoft\.Network\/frontDoors, not Microsoft\.Cdn\/profiles: it can never match the owner of a Front Door origin/,
      ],
    ],
    [
      "a definition's ID instead of its owner's",
      `        managedBy:
          search: ["/subscriptions/s/resourceGroups/rg/providers/Microsoft.Search/searchServices/s1/sharedPrivateLinkResources/*"]`,
      [
        /managedBy\.search\[0\]: owner glob .* is longer than an owner ID: list the searchServices that owns the AI Search shared private link/,
      ],
    ],
    [
      "requester facts a managed endpoint never has",
      `        subscriptions: ["11111111-1111-1111-1111-111111111111"]
        managedBy:
          synapse: ["**"]`,
      [
        /^p\.yaml:8:11 warning: rules\[0\]\.when\.requester\.managedBy: rule edge also conditions on requester\.subscriptions: a managed private endpoint lives in a Microsoft-managed subscription/,
      ],
    ],
  ])("%s", (_name, requester, expected) => {
    const text = policyText(requester);
    const lines = locatePolicyWarnings(text, "p.yaml", policyOf(text)).map(formatPolicyWarning);
    expect(lines).toHaveLength(expected.length);
    expected.forEach((re, i) => expect(lines[i]).toMatch(re));
  });
});

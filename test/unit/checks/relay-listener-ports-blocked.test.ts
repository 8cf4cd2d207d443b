import { check } from "../../../src/core/checks/relay-listener-ports-blocked";
import {
  byIdIn,
  checkTester,
  IDS,
  networkSecurityGroup,
  securityRule,
  set,
  type TestEstate,
} from "./builders";

type RuleSpec = Parameters<typeof securityRule>[2];
const rules =
  (...specs: [string, RuleSpec][]) =>
  (e: TestEstate) => {
    e.nsgs[0] = networkSecurityGroup(
      IDS.nsg,
      specs.map(([name, spec]) => securityRule(IDS.nsg, name, spec)),
    );
  };
const denyRange: RuleSpec = {
  priority: 200,
  direction: "Outbound",
  access: "Deny",
  destinationPortRange: "9400-9599",
};

checkTester(check, {
  valid: [
    {
      name: "inbound deny is irrelevant",
      estate: rules(["deny-in", { ...denyRange, direction: "Inbound" }]),
    },
    { name: "UDP deny is irrelevant", estate: rules(["deny-udp", { ...denyRange, protocol: "Udp" }]) },
    {
      name: "deny to Internet does not cover a private IP",
      estate: rules(["deny-inet", { ...denyRange, destinationAddressPrefix: "Internet" }]),
    },
    {
      name: "allow at a lower priority number wins",
      estate: rules(
        ["allow-relay", { ...denyRange, priority: 100, access: "Allow" }],
        ["deny-relay", denyRange],
      ),
    },
    {
      name: "deny from a source range outside the subnet",
      estate: rules(["deny-other-src", { ...denyRange, sourceAddressPrefix: "10.9.0.0/16" }]),
    },
    {
      name: "deny to another destination range",
      estate: rules(["deny-other-dst", { ...denyRange, destinationAddressPrefix: "10.2.2.0/24" }]),
    },
    {
      name: "deny just outside the port range",
      estate: rules(["deny-9600", { ...denyRange, destinationPortRange: "9600-9700" }]),
    },
    {
      name: "subnet without an NSG",
      estate: (e) => set(byIdIn(e.subnets, IDS.subnetListener), "properties.networkSecurityGroup", undefined),
    },
    {
      name: "endpoint of a Rejected connection",
      estate: (e) => {
        rules(["deny-relay", denyRange])(e);
        set(
          byIdIn(e.paas, IDS.relay),
          "properties.privateEndpointConnections.0.properties.privateLinkServiceConnectionState.status",
          "Rejected",
        );
      },
    },
  ],
  invalid: [
    {
      name: "deny 9400-9599 to any destination",
      estate: rules(["deny-relay", denyRange]),
      expect: [
        {
          resourceId: IDS.nsg,
          message: ["denies outbound TCP 9400-9599", "(10.2.1.4)", IDS.relay, "deny-relay (priority 200)"],
        },
      ],
    },
    {
      name: "deny 443 and 5671 by port list to the endpoint's /32, from the subnet range",
      estate: rules([
        "deny-std",
        {
          priority: 300,
          direction: "Outbound",
          access: "Deny",
          protocol: "*",
          destinationPortRanges: ["443", "5671"],
          destinationAddressPrefix: "10.2.1.4/32",
          sourceAddressPrefix: "10.2.1.0/25",
        },
      ]),
      expect: [{ resourceId: IDS.nsg, message: ["TCP 443, 5671 to private endpoint"] }],
    },
    {
      name: "allow for part of the range, deny-all for the rest",
      estate: rules(
        [
          "allow-part",
          { priority: 100, direction: "Outbound", access: "Allow", destinationPortRange: "9400-9499" },
        ],
        ["deny-all", { priority: 4096, direction: "Outbound", access: "Deny", protocol: "*" }],
      ),
      expect: [{ resourceId: IDS.nsg, message: ["TCP 443, 5671, 9500-9599", "deny-all (priority 4096)"] }],
    },
    {
      name: "a VirtualNetwork deny also applies when the collector omitted the default rules",
      estate: (e) => {
        rules([
          "deny-vnet",
          {
            priority: 4000,
            direction: "Outbound",
            access: "Deny",
            destinationAddressPrefix: "VirtualNetwork",
          },
        ])(e);
        set(e.nsgs[0] as never, "properties.defaultSecurityRules", undefined);
      },
      expect: [{ resourceId: IDS.nsg, message: ["TCP 443, 5671, 9400-9599", "deny-vnet"] }],
    },
    {
      name: "a deny on a source application security group (listeners unknown): a warning that it could not decide",
      estate: (e) => {
        rules(["deny-asg", denyRange])(e);
        set(e.nsgs[0] as never, "properties.securityRules.0.properties.sourceApplicationSecurityGroups", [
          {
            id: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/applicationSecurityGroups/listeners",
          },
        ]);
      },
      expect: [
        {
          resourceId: IDS.nsg,
          severity: "warning",
          message: [
            "could not decide TCP 9400-9599",
            "deny-asg (priority 200: source application security group",
            "IP flow verify",
          ],
        },
      ],
    },
    {
      name: "a deny on a service tag holding no private address is decided: not a finding unless it denies",
      estate: rules(
        ["deny-cloud", { ...denyRange, destinationAddressPrefix: "AzureCloud", priority: 100 }],
        ["deny-all", { priority: 4096, direction: "Outbound", access: "Deny", protocol: "*" }],
      ),
      expect: [{ resourceId: IDS.nsg, message: ["TCP 443, 5671, 9400-9599", "deny-all (priority 4096)"] }],
    },
  ],
});

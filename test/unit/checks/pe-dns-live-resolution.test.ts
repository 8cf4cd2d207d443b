import { check } from "../../../src/core/checks/pe-dns-live-resolution";
import { checkTester, RELAY_FQDN, RELAY_PE_IP, IDS } from "./builders";

const PUBLIC_CHAIN = ["relay-prod.privatelink.servicebus.windows.net", "ns-sb2-prod-blu.cloudapp.net"];

checkTester(check, {
  valid: [
    { name: "not looked up this sweep", estate: (e) => e.dns.splice(0) },
    {
      name: "trailing dots and casing in the answer",
      estate: (e) =>
        (e.dns[0] = {
          fqdn: `${RELAY_FQDN.toUpperCase()}.`,
          cnames: ["relay-prod.privatelink.servicebus.windows.net."],
          addresses: [RELAY_PE_IP],
        }),
    },
  ],
  invalid: [
    {
      name: "resolves to the public address",
      estate: (e) => (e.dns[0] = { fqdn: RELAY_FQDN, cnames: PUBLIC_CHAIN, addresses: ["20.42.1.1"] }),
      expect: [
        {
          resourceId: IDS.peRelay,
          message: [
            `${RELAY_FQDN} -> relay-prod.privatelink`,
            "to 20.42.1.1, not to the endpoint's private IP 10.2.1.4",
          ],
          severity: "error",
        },
      ],
    },
    {
      name: "lookup failed",
      estate: (e) => (e.dns[0] = { fqdn: RELAY_FQDN, cnames: [], addresses: [], error: "ENOTFOUND" }),
      expect: [{ resourceId: IDS.peRelay, message: ["did not resolve (ENOTFOUND)"], severity: "error" }],
    },
    {
      name: "private IP through a hand-made record, no privatelink CNAME",
      estate: (e) => (e.dns[0] = { fqdn: RELAY_FQDN, cnames: [], addresses: [RELAY_PE_IP] }),
      expect: [{ resourceId: IDS.peRelay, message: ["without a privatelink CNAME"], severity: "warning" }],
    },
  ],
});

import { check } from "../../../src/core/checks/pe-dns-record-mismatch";
import { aRecord, byIdIn, checkTester, IDS, RELAY_PE_IP, set } from "./builders";

const CFG = "properties.privateDnsZoneConfigs.0.properties";

checkTester(check, {
  valid: [
    {
      name: "record holds the IP among others",
      estate: (e) => (e.aRecords[0] = aRecord(IDS.aRecord, ["10.9.9.9", RELAY_PE_IP])),
    },
    {
      name: "zone group without recordSets: derived from customDnsConfigs",
      estate: (e) => set(byIdIn(e.zoneGroups, IDS.zoneGroup), `${CFG}.recordSets`, undefined),
    },
    {
      name: "zone in a subscription not swept",
      estate: (e) => {
        e.zones.splice(0);
        e.subscriptions = ["55555555-5555-5555-5555-555555555555"];
      },
    },
  ],
  invalid: [
    {
      name: "A record missing",
      estate: (e) => e.aRecords.splice(0),
      expect: [{ resourceId: IDS.peRelay, message: ["has no A record relay-prod", RELAY_PE_IP] }],
    },
    {
      name: "A record points to an old IP",
      estate: (e) => (e.aRecords[0] = aRecord(IDS.aRecord, ["10.2.1.9"])),
      expect: [
        {
          resourceId: IDS.peRelay,
          message: ["relay-prod.privatelink.servicebus.windows.net points to 10.2.1.9", RELAY_PE_IP],
        },
      ],
    },
    {
      name: "derived record name missing when zone group omits recordSets",
      estate: (e) => {
        set(byIdIn(e.zoneGroups, IDS.zoneGroup), `${CFG}.recordSets`, undefined);
        e.aRecords.splice(0);
      },
      expect: [{ resourceId: IDS.peRelay, message: ["no A record relay-prod"] }],
    },
    {
      name: "zone group names a deleted zone in a swept subscription",
      estate: (e) => e.zones.splice(0),
      expect: [{ resourceId: IDS.peRelay, message: [IDS.zone, "does not exist"] }],
    },
  ],
});

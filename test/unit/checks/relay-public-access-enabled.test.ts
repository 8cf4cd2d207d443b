import { check } from "../../../src/core/checks/relay-public-access-enabled";
import { byIdIn, checkTester, context, IDS, set } from "./builders";

const ACCESS = "properties.publicNetworkAccess";

checkTester(check, {
  valid: [
    {
      name: "Enabled but not required private-only",
      estate: (e) => {
        const ns = byIdIn(e.paas, IDS.relay);
        set(ns, ACCESS, "Enabled");
        set(ns, "tags", {});
      },
    },
    {
      name: "tag value false",
      estate: (e) => {
        const ns = byIdIn(e.paas, IDS.relay);
        set(ns, ACCESS, "Enabled");
        set(ns, "tags", { "linkgate-private-only": "false" });
      },
    },
    {
      name: "SecuredByPerimeter",
      estate: (e) => set(byIdIn(e.paas, IDS.relay), ACCESS, "SecuredByPerimeter"),
    },
  ],
  invalid: [
    {
      name: "tagged and Enabled",
      estate: (e) => set(byIdIn(e.paas, IDS.relay), ACCESS, "Enabled"),
      expect: [
        {
          resourceId: IDS.relay,
          message: ["publicNetworkAccess Enabled", "tagged linkgate-private-only=true"],
        },
      ],
    },
    {
      name: "tagged (name in other casing) and property absent: Enabled by default",
      estate: (e) => {
        const ns = byIdIn(e.paas, IDS.relay);
        set(ns, ACCESS, undefined);
        set(ns, "tags", { "LinkGate-Private-Only": "TRUE" });
      },
      expect: [{ resourceId: IDS.relay, message: ["publicNetworkAccess Enabled"] }],
    },
    {
      name: "untagged, setting demands private-only",
      estate: (e) => {
        const ns = byIdIn(e.paas, IDS.relay);
        set(ns, ACCESS, "Enabled");
        set(ns, "tags", {});
      },
      ctx: context({}, { relayPrivateOnly: true }),
      expect: [{ resourceId: IDS.relay, message: ["relayPrivateOnly setting"] }],
    },
    {
      name: "custom tag name",
      estate: (e) => {
        const ns = byIdIn(e.paas, IDS.relay);
        set(ns, ACCESS, "Enabled");
        set(ns, "tags", { "sec-private": "true" });
      },
      ctx: context({}, { privateOnlyTagName: "sec-private" }),
      expect: [{ resourceId: IDS.relay, message: ["tagged sec-private=true"] }],
    },
  ],
});

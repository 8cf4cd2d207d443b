import { parseDnsTable, startDnsServer, type RunningDnsServer } from "../../../src/adapters/dns/answerServer";
import { DnsConfigError, LiveDns, parseResolverSetting } from "../../../src/adapters/dns/liveDns";

describe("LiveDns through a loopback DNS server", () => {
  let server: RunningDnsServer;
  beforeAll(async () => {
    server = await startDnsServer({
      "ns1.servicebus.windows.net": { cname: "ns1.privatelink.servicebus.windows.net" },
      "ns1.privatelink.servicebus.windows.net": { a: ["10.1.0.5"] },
      "pub.servicebus.windows.net": { cname: "pub.privatelink.servicebus.windows.net" },
      "pub.privatelink.servicebus.windows.net": { cname: "ns-sb2-prod.cloudapp.net" },
      "ns-sb2-prod.cloudapp.net": { a: ["20.50.1.2"] },
      "direct.servicebus.windows.net": { a: ["10.1.0.9", "10.1.0.8"] },
      "loop-a.example": { cname: "loop-b.example" },
      "loop-b.example": { cname: "loop-a.example" },
      "dangling.example": { cname: "nowhere.example" },
    });
  });
  afterAll(() => server.stop());

  test("follows the privatelink CNAME to the private IP", async () => {
    const dns = new LiveDns({ servers: [server.address] });
    expect(await dns.lookup("NS1.servicebus.windows.net.")).toEqual({
      fqdn: "ns1.servicebus.windows.net",
      cnames: ["ns1.privatelink.servicebus.windows.net"],
      addresses: ["10.1.0.5"],
    });
  });

  test("multi-hop chains, plain A answers (sorted) and failures as answers, never throws", async () => {
    const dns = new LiveDns({ servers: [server.address], timeoutInMs: 500, tries: 1 });
    expect(await dns.lookup("pub.servicebus.windows.net")).toEqual({
      fqdn: "pub.servicebus.windows.net",
      cnames: ["pub.privatelink.servicebus.windows.net", "ns-sb2-prod.cloudapp.net"],
      addresses: ["20.50.1.2"],
    });
    expect(await dns.lookup("direct.servicebus.windows.net")).toEqual({
      fqdn: "direct.servicebus.windows.net",
      cnames: [],
      addresses: ["10.1.0.8", "10.1.0.9"],
    });
    expect((await dns.lookup("missing.servicebus.windows.net")).error).toMatch(
      /NXDOMAIN for missing\.servicebus\.windows\.net/,
    );
    expect((await dns.lookup("loop-a.example")).error).toMatch(/CNAME loop/);
    expect(await dns.lookup("dangling.example")).toMatchObject({
      cnames: ["nowhere.example"],
      error: "NXDOMAIN for nowhere.example",
    });
  });

  test("an unreachable resolver is an error answer", async () => {
    const dns = new LiveDns({ servers: ["127.0.0.1:9"], timeoutInMs: 200, tries: 1 });
    const a = await dns.lookup("ns1.servicebus.windows.net");
    expect(a.addresses).toEqual([]);
    expect(a.error).toMatch(/resolving ns1\.servicebus\.windows\.net/);
  });

  test("LINKGATE_DNS_RESOLVER accepts IPs and IP:port, names the setting otherwise", () => {
    expect(parseResolverSetting("168.63.129.16, 10.0.0.4:53")).toEqual(["168.63.129.16", "10.0.0.4:53"]);
    expect(parseResolverSetting(undefined)).toEqual([]);
    expect(() => parseResolverSetting("dns.example.com")).toThrow(DnsConfigError);
    expect(() => parseResolverSetting("dns.example.com")).toThrow(/LINKGATE_DNS_RESOLVER: "dns.example.com"/);
  });

  test("answer tables: YAML entries with cname and/or A records; malformed entries are named", () => {
    expect(
      parseDnsTable("A.example.: { cname: b.example }\nb.example: { a: [10.0.0.1] }\n", "t.yaml"),
    ).toEqual({
      "a.example": { cname: "b.example", a: undefined },
      "b.example": { cname: undefined, a: ["10.0.0.1"] },
    });
    expect(() => parseDnsTable("x.example: { a: [not-an-ip] }", "t.yaml")).toThrow(
      't.yaml: entry "x.example" must have',
    );
    expect(() => parseDnsTable("x.example: {}", "t.yaml")).toThrow(/t\.yaml: entry "x\.example"/);
    expect(() => parseDnsTable("- a\n- b", "t.yaml")).toThrow("t.yaml: expected a mapping");
  });
});

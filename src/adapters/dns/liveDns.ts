/**
 * Live DNS lookups from where the sweep runs, as clients there would see them: the CNAME chain of a service
 * FQDN, then its A records. LINKGATE_DNS_RESOLVER (IP or IP:port, comma-separated) points at a specific
 * resolver (e.g. the DNS servers the VNet's clients use); otherwise the system resolver's servers.
 */
import { Resolver } from "node:dns/promises";
import type { DnsAnswer } from "../../core/inventory";

/** Longer chains than this are a loop or a misconfiguration; real privatelink chains have 1-3 hops. */
const MAX_CHAIN = 8;

export interface DnsLookupOptions {
  /** Resolver addresses (`IP` or `IP:port`); empty or absent: the system's. */
  servers?: readonly string[];
  /** Per-query timeout. Default 3000 ms. */
  timeoutInMs?: number;
  tries?: number;
}

export class DnsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DnsConfigError";
  }
}

/** Parses LINKGATE_DNS_RESOLVER into server addresses Resolver.setServers accepts. */
export function parseResolverSetting(value: string | undefined): string[] {
  const items = (value ?? "")
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of items) {
    if (
      !/^(\d{1,3}(\.\d{1,3}){3})(:\d{1,5})?$/.test(s) &&
      !/^\[[0-9a-f:]+\](:\d{1,5})?$/i.test(s) &&
      !/^[0-9a-f:]+$/i.test(s)
    ) {
      throw new DnsConfigError(
        `LINKGATE_DNS_RESOLVER: "${s}" is not an IP address or IP:port (e.g. 168.63.129.16 or 10.0.0.4:53)`,
      );
    }
  }
  return items;
}

function codeOf(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === "string" ? code : e instanceof Error ? e.message : String(e);
}

/** "No record of this type" as opposed to a failure. */
function isNoData(e: unknown): boolean {
  const c = codeOf(e);
  return c === "ENODATA" || c === "ENOTFOUND" || c === "NODATA";
}

export class LiveDns {
  private readonly resolver: Resolver;

  constructor(options: DnsLookupOptions = {}) {
    this.resolver = new Resolver({ timeout: options.timeoutInMs ?? 3000, tries: options.tries ?? 2 });
    if (options.servers && options.servers.length > 0) this.resolver.setServers([...options.servers]);
  }

  /** Never throws: a failed lookup is an answer with `error`, which the live-resolution check reports. */
  async lookup(fqdn: string): Promise<DnsAnswer> {
    const name = fqdn.replace(/\.$/, "").toLowerCase();
    const cnames: string[] = [];
    let current = name;
    try {
      for (let i = 0; i < MAX_CHAIN; i++) {
        let next: string | undefined;
        try {
          next = (await this.resolver.resolveCname(current))[0];
        } catch (e) {
          if (!isNoData(e)) throw e;
        }
        if (!next) break;
        current = next.replace(/\.$/, "").toLowerCase();
        if (cnames.includes(current) || current === name) {
          return { fqdn: name, cnames, addresses: [], error: `CNAME loop at ${current}` };
        }
        cnames.push(current);
      }
      let addresses: string[] = [];
      try {
        addresses = await this.resolver.resolve4(current);
      } catch (e) {
        if (codeOf(e) === "ENOTFOUND")
          return { fqdn: name, cnames, addresses: [], error: `NXDOMAIN for ${current}` };
        if (codeOf(e) !== "ENODATA") throw e;
      }
      return { fqdn: name, cnames, addresses: addresses.sort() };
    } catch (e) {
      return { fqdn: name, cnames, addresses: [], error: `${codeOf(e)} resolving ${current}` };
    }
  }
}

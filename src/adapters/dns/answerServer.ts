/**
 * A loopback DNS server (UDP) answering A and CNAME queries from a fixed table: the demo's and the tests'
 * stand-in for "the resolver clients use", so the live-resolution check runs the real node:dns path.
 * Answers like a recursive resolver: an A query on an alias returns the CNAME chain and the final A records;
 * unknown names are NXDOMAIN; a known name without the asked type is NOERROR with no answer (NODATA).
 */
import * as dgram from "node:dgram";
import { parse as parseYaml } from "yaml";

export interface DnsTableEntry {
  cname?: string;
  a?: string[];
}

/** Lower-case FQDN (no trailing dot) -> record. */
export type DnsTable = Record<string, DnsTableEntry>;

const TYPE_A = 1;
const TYPE_CNAME = 5;
const CLASS_IN = 1;
const TTL = 30;

export interface RunningDnsServer {
  /** `127.0.0.1:PORT`, ready for Resolver.setServers / LINKGATE_DNS_RESOLVER. */
  address: string;
  stop(): Promise<void>;
}

function readName(buf: Buffer, offset: number): { name: string; next: number } {
  const labels: string[] = [];
  let i = offset;
  for (let guard = 0; guard < 128; guard++) {
    const len = buf[i];
    if (len === undefined) throw new Error("truncated name");
    if (len === 0) return { name: labels.join(".").toLowerCase(), next: i + 1 };
    // Queries carry no compression pointers; anything else is not a query we answer.
    if (len > 63) throw new Error("compressed or invalid label in question");
    labels.push(buf.toString("latin1", i + 1, i + 1 + len));
    i += 1 + len;
  }
  throw new Error("name too long");
}

function encodeName(name: string): Buffer {
  const parts = name
    .replace(/\.$/, "")
    .split(".")
    .filter(Boolean)
    .map((l) => {
      const b = Buffer.from(l, "latin1");
      return Buffer.concat([Buffer.from([b.length]), b]);
    });
  return Buffer.concat([...parts, Buffer.from([0])]);
}

function record(owner: string, type: number, rdata: Buffer): Buffer {
  const head = Buffer.alloc(10);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(CLASS_IN, 2);
  head.writeUInt32BE(TTL, 4);
  head.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([encodeName(owner), head, rdata]);
}

function ipv4(ip: string): Buffer {
  return Buffer.from(ip.split(".").map((x) => Number(x) & 0xff));
}

/** Builds the response to one query packet; undefined for packets that are not answerable queries. */
export function answer(table: DnsTable, query: Buffer): Buffer | undefined {
  if (query.length < 12) return undefined;
  const id = query.readUInt16BE(0);
  const flags = query.readUInt16BE(2);
  if (flags & 0x8000) return undefined; // a response, not a query
  const qdcount = query.readUInt16BE(4);
  let rcode = 0;
  const answers: Buffer[] = [];
  let question: Buffer = Buffer.alloc(0);
  if (qdcount !== 1) {
    rcode = 1; // FORMERR
  } else {
    try {
      const { name, next } = readName(query, 12);
      question = query.subarray(12, next + 4);
      const qtype = query.readUInt16BE(next);
      let current = name;
      const seen = new Set<string>();
      for (;;) {
        const entry = table[current];
        if (!entry) {
          if (current === name) rcode = 3; // NXDOMAIN
          break;
        }
        if (entry.cname && !seen.has(current)) {
          seen.add(current);
          answers.push(record(current, TYPE_CNAME, encodeName(entry.cname)));
          if (qtype === TYPE_CNAME) break;
          current = entry.cname.replace(/\.$/, "").toLowerCase();
          continue;
        }
        if (qtype === TYPE_A) for (const ip of entry.a ?? []) answers.push(record(current, TYPE_A, ipv4(ip)));
        break;
      }
    } catch {
      rcode = 1;
    }
  }
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  // QR, opcode copied, AA, RD copied, RA, rcode.
  header.writeUInt16BE(0x8000 | (flags & 0x7800) | 0x0400 | (flags & 0x0100) | 0x0080 | rcode, 2);
  header.writeUInt16BE(question.length > 0 ? 1 : 0, 4);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, question, ...answers]);
}

export function startDnsServer(table: DnsTable): Promise<RunningDnsServer> {
  const normalized: DnsTable = {};
  for (const [k, v] of Object.entries(table)) normalized[k.replace(/\.$/, "").toLowerCase()] = v;
  const socket = dgram.createSocket("udp4");
  socket.on("message", (msg, rinfo) => {
    const res = answer(normalized, msg);
    if (res) socket.send(res, rinfo.port, rinfo.address);
  });
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => {
      socket.off("error", reject);
      const { port } = socket.address();
      resolve({
        address: `127.0.0.1:${port}`,
        stop: () => new Promise<void>((r) => socket.close(() => r())),
      });
    });
  });
}

/**
 * Reads an answer table (YAML or JSON: `fqdn: { cname?: name, a?: [ip, ...] }`), naming the file and entry
 * that is malformed.
 */
export function parseDnsTable(text: string, where: string): DnsTable {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new Error(`${where}: not YAML/JSON: ${(e as Error).message}`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new Error(`${where}: expected a mapping of FQDN -> { cname, a }`);
  }
  const table: DnsTable = {};
  for (const [fqdn, v] of Object.entries(doc as Record<string, unknown>)) {
    const entry = (typeof v === "object" && v !== null ? v : {}) as { cname?: unknown; a?: unknown };
    const cname = entry.cname;
    const a = entry.a;
    const ipsOk =
      a === undefined ||
      (Array.isArray(a) && a.every((ip) => typeof ip === "string" && /^\d{1,3}(\.\d{1,3}){3}$/.test(ip)));
    if (
      (cname !== undefined && typeof cname !== "string") ||
      !ipsOk ||
      (cname === undefined && a === undefined)
    ) {
      throw new Error(
        `${where}: entry "${fqdn}" must have "cname" (a name) and/or "a" (a list of IPv4 addresses)`,
      );
    }
    table[fqdn.replace(/\.$/, "").toLowerCase()] = {
      cname: cname as string | undefined,
      a: a as string[] | undefined,
    };
  }
  return table;
}

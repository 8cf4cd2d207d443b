/**
 * The connection writer follows each provider's write contract to its end, through the real clients (the
 * generic client on the SDK pipeline with @azure/core-lro, for Private Link Services too), against a scripted HTTPS provider: every answer shape the published specs allow, failures
 * carrying the provider's error, Retry-After as an HTTP date, polling URLs off the ARM endpoint, abort and
 * timeout. The writer returns the connection as ARM shows it once the operation is over, which is what
 * reconcile compares with the status it wrote before counting a write.
 */
import { ArmApprovalAdapter } from "../../../src/adapters/arm/armReader";
import type { PrivateEndpointConnection } from "../../../src/core/model";
import { ArmError } from "../../../src/core/errors";
import {
  armFor,
  startProviderServer,
  type Answer,
  type ProviderServer,
  type SeenRequest,
} from "./providerServer";

const SUB = "11111111-1111-1111-1111-111111111111";
const KV = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1`;
const CONN = `${KV}/privateEndpointConnections/c1`;
const PLS = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/pls1`;
const PLS_CONN = `${PLS}/privateEndpointConnections/p1`;
/** Fast polls for shape tests; the Retry-After tests use the production floor. */
const FAST_LRO = { minDelayInMs: 5, maxDelayInMs: 20 };

function conn(id: string, status: string, provisioningState?: string): Record<string, unknown> {
  return {
    id,
    name: id.split("/").pop(),
    properties: {
      privateEndpoint: {
        id: `/subscriptions/${SUB}/resourceGroups/c/providers/Microsoft.Network/privateEndpoints/pe1`,
      },
      privateLinkServiceConnectionState: { status, description: "d" },
      ...(provisioningState ? { provisioningState } : {}),
    },
  };
}

function pending(id: string): PrivateEndpointConnection {
  return {
    id,
    name: id.split("/").pop() ?? "",
    targetId: id.split("/privateEndpointConnections/")[0] ?? "",
    status: "Pending",
  };
}

const isPut = (r: SeenRequest): boolean => r.method === "PUT";
const isConnGet = (r: SeenRequest, id = CONN): boolean => r.method === "GET" && r.path === id;

let server: ProviderServer;
beforeEach(async () => {
  server = await startProviderServer(() => ({ status: 500 }));
});
afterEach(async () => {
  await server.close();
});

async function approve(
  options: Parameters<typeof armFor>[1] = { lro: FAST_LRO },
  id = CONN,
): Promise<PrivateEndpointConnection> {
  const adapter = new ArmApprovalAdapter(armFor(server, options));
  return adapter.setConnectionState(pending(id), "Approved", "approved by test");
}

async function failure(p: Promise<unknown>): Promise<ArmError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ArmError) return e;
    throw e;
  }
  throw new Error("expected an ArmError");
}

/** A scripted sequence per kind of request; the last answer repeats. */
function script(
  routes: { match: (r: SeenRequest) => boolean; answers: Answer[] }[],
): (r: SeenRequest) => Answer {
  const seen = routes.map(() => 0);
  return (r) => {
    const i = routes.findIndex((x) => x.match(r));
    const route = routes[i];
    if (!route)
      return { status: 404, body: { error: { code: "NotFound", message: `${r.method} ${r.path}` } } };
    const n = seen[i] ?? 0;
    seen[i] = n + 1;
    return route.answers[Math.min(n, route.answers.length - 1)] as Answer;
  };
}

describe("generic client: each write contract followed to the end", () => {
  it("200 done (Network-like, Relay, Service Bus): one PUT, no poll, no re-read", async () => {
    server.handler = script([
      { match: isPut, answers: [{ status: 200, body: conn(CONN, "Approved", "Succeeded") }] },
    ]);
    const c = await approve();
    expect(c.status).toBe("Approved");
    expect(server.requests.map((r) => r.method)).toEqual(["PUT"]);
  });

  it("200 + provisioningState Updating, no async header (Key Vault 2019-09-01): re-GETs the connection until terminal", async () => {
    server.handler = script([
      { match: isPut, answers: [{ status: 200, body: conn(CONN, "Approved", "Updating") }] },
      {
        match: (r) => isConnGet(r),
        answers: [
          { status: 200, body: conn(CONN, "Approved", "Updating") },
          { status: 200, body: conn(CONN, "Approved", "Succeeded") },
        ],
      },
    ]);
    const c = await approve();
    expect(c).toMatchObject({ status: "Approved", provisioningState: "Succeeded" });
    expect(server.count("PUT")).toBe(1);
    // Two polls of the connection (Updating, Succeeded) and the read-back.
    expect(server.count("GET", CONN)).toBe(3);
  });

  it("200 + Updating + Azure-AsyncOperation: polls the operation through InProgress to Succeeded, then re-reads", async () => {
    server.handler = (r, s) =>
      script([
        {
          match: isPut,
          answers: [
            {
              status: 200,
              headers: {
                "azure-asyncoperation": `${s.url}/subscriptions/${SUB}/providers/Microsoft.KeyVault/locations/westeurope/operationResults/op1?api-version=2019-09-01`,
              },
              body: conn(CONN, "Approved", "Updating"),
            },
          ],
        },
      ])(r);
    let polls = 0;
    const put = server.handler;
    server.handler = (r, s) => {
      if (r.path.endsWith("/operationResults/op1")) {
        polls++;
        return { status: 200, body: { status: polls < 3 ? "InProgress" : "Succeeded" } };
      }
      if (isConnGet(r)) return { status: 200, body: conn(CONN, "Approved", "Succeeded") };
      return put(r, s);
    };
    const adapter = new ArmApprovalAdapter(armFor(server, { lro: FAST_LRO }));
    const c = await adapter.setConnectionState(pending(CONN), "Approved", "x", { etag: 'W/"7"' });
    expect(c).toMatchObject({ status: "Approved", provisioningState: "Succeeded" });
    expect(polls).toBe(3);
    expect(server.count("GET", CONN)).toBe(1);
    // If-Match guards the write only: our own write changed the etag, so the read-back carries none.
    expect(server.requests.filter(isPut).map((r) => r.headers["if-match"])).toEqual(['W/"7"']);
    expect(server.requests.filter((r) => r.method === "GET").map((r) => r.headers["if-match"])).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it.each([201, 202])(
    "%s + Azure-AsyncOperation, no body (Container Registry, Sql, Cosmos DB): polls, then re-reads",
    async (status) => {
      let polls = 0;
      server.handler = (r, s) => {
        if (isPut(r))
          return {
            status,
            headers: { "azure-asyncoperation": `${s.url}/ops/op2?api-version=x`, "retry-after": "0" },
          };
        if (r.path === "/ops/op2") {
          polls++;
          return { status: 200, body: { status: polls < 2 ? "InProgress" : "Succeeded" } };
        }
        if (isConnGet(r)) return { status: 200, body: conn(CONN, "Approved", "Succeeded") };
        return { status: 404 };
      };
      const c = await approve();
      expect(c.status).toBe("Approved");
      expect(polls).toBe(2);
      expect(server.count("GET", CONN)).toBe(1);
    },
  );

  it("202 + Location only: polls the Location until it stops answering 202, then re-reads", async () => {
    let polls = 0;
    server.handler = (r, s) => {
      if (isPut(r)) return { status: 202, headers: { location: `${s.url}/ops/loc1?api-version=x` } };
      if (r.path === "/ops/loc1") {
        polls++;
        return polls < 3
          ? { status: 202, headers: { location: `${s.url}/ops/loc1?api-version=x` } }
          : { status: 200 };
      }
      if (isConnGet(r)) return { status: 200, body: conn(CONN, "Approved", "Succeeded") };
      return { status: 404 };
    };
    const c = await approve();
    expect(c.status).toBe("Approved");
    expect(polls).toBe(3);
  });

  it("201 + Location with the connection Updating (Container Apps, Elastic SAN): polls the Location, then re-reads", async () => {
    let polls = 0;
    server.handler = (r, s) => {
      if (isPut(r))
        return {
          status: 201,
          headers: { location: `${s.url}/ops/loc2?api-version=x`, "retry-after": "0" },
          body: conn(CONN, "Approved", "Updating"),
        };
      if (r.path === "/ops/loc2") {
        polls++;
        return polls < 2
          ? { status: 202, headers: { location: `${s.url}/ops/loc2?api-version=x` } }
          : { status: 200 };
      }
      if (isConnGet(r)) return { status: 200, body: conn(CONN, "Approved", "Succeeded") };
      return { status: 404 };
    };
    const c = await approve();
    expect(c.status).toBe("Approved");
    expect(polls).toBe(2);
    expect(server.count("GET", CONN)).toBeGreaterThanOrEqual(1);
  });

  it("201 + provisioningState Provisioning, no header (Web, CognitiveServices examples): re-GETs until Succeeded", async () => {
    server.handler = script([
      { match: isPut, answers: [{ status: 201, body: conn(CONN, "Approved", "Provisioning") }] },
      {
        match: (r) => isConnGet(r),
        answers: [
          { status: 200, body: conn(CONN, "Approved", "Accepted") },
          { status: 200, body: conn(CONN, "Approved", "Succeeded") },
        ],
      },
    ]);
    expect((await approve()).status).toBe("Approved");
  });

  it("an async operation ending Failed is a non-transient ArmError with the provider's code and message (bounded)", async () => {
    server.handler = (r, s) => {
      if (isPut(r))
        return { status: 202, headers: { "azure-asyncoperation": `${s.url}/ops/f1?api-version=x` } };
      if (r.path === "/ops/f1")
        return {
          status: 200,
          body: {
            status: "Failed",
            error: { code: "PrivateEndpointConnectionUpdateFailed", message: "vault kv1 is being deleted" },
          },
        };
      return { status: 404 };
    };
    const err = await failure(approve());
    expect(err.transient).toBe(false);
    expect(err.code).toBe("PrivateEndpointConnectionUpdateFailed");
    expect(err.message).toContain("vault kv1 is being deleted");
    expect(err.message).toContain(CONN);
    // A provider-written message is bounded before it reaches logs.
    server.handler = (r, s2) =>
      isPut(r)
        ? { status: 202, headers: { "azure-asyncoperation": `${s2.url}/ops/f2?api-version=x` } }
        : { status: 200, body: { status: "Failed", error: { code: "X", message: "m".repeat(1_000_000) } } };
    const big = await failure(approve());
    expect(big.message.length).toBeLessThan(2_000);
  });

  it("provisioningState Failed on a re-read (no async header) is non-transient too; App Service's flat error is read", async () => {
    server.handler = script([
      { match: isPut, answers: [{ status: 200, body: conn(CONN, "Approved", "Updating") }] },
      {
        match: (r) => isConnGet(r),
        answers: [
          {
            status: 200,
            body: { ...conn(CONN, "Pending", "Failed"), Code: "Conflict", Message: "site busy" },
          },
        ],
      },
    ]);
    const err = await failure(approve());
    expect(err).toMatchObject({ transient: false, code: "Conflict" });
    expect(err.message).toMatch(/Failed.*site busy/);
  });

  it("the result is the connection as ARM shows it after the operation, not what was asked for", async () => {
    // The operation succeeds, but the read-back shows someone else's Rejected: the writer returns that,
    // and reconcile (which compares) does not count the write and starts over from a fresh read.
    server.handler = (r, s) => {
      if (isPut(r))
        return { status: 202, headers: { "azure-asyncoperation": `${s.url}/ops/r1?api-version=x` } };
      if (r.path === "/ops/r1") return { status: 200, body: { status: "Succeeded" } };
      if (isConnGet(r)) return { status: 200, body: conn(CONN, "Rejected", "Succeeded") };
      return { status: 404 };
    };
    expect(await approve()).toMatchObject({ status: "Rejected", provisioningState: "Succeeded" });
  });

  it("a polling URL on another host is refused: the token is never sent off the ARM endpoint", async () => {
    server.handler = (r) =>
      isPut(r)
        ? { status: 202, headers: { "azure-asyncoperation": "https://evil.example.com/ops/1" } }
        : { status: 404 };
    const err = await failure(approve());
    expect(err).toMatchObject({ code: "UntrustedUrl", transient: false });
    expect(err.message).toContain("https://evil.example.com");
    expect(server.requests).toHaveLength(1);
  });

  it("a nextLink on another host is refused the same way", async () => {
    server.handler = () => ({
      status: 200,
      body: { value: [conn(CONN, "Pending")], nextLink: "https://evil.example.com/page2" },
    });
    const arm = armFor(server);
    const seen: unknown[] = [];
    const err = await failure(
      (async () => {
        for await (const c of arm.generic.list(`${KV}/privateEndpointConnections`, "2019-09-01"))
          seen.push(c);
      })(),
    );
    expect(err.code).toBe("UntrustedUrl");
    expect(seen).toHaveLength(1);
    expect(server.requests).toHaveLength(1);
  });

  it("a provider that never finishes: transient timeout after pollTimeout, bounded polls", async () => {
    server.handler = (r, s) => {
      if (isPut(r))
        return { status: 202, headers: { "azure-asyncoperation": `${s.url}/ops/slow?api-version=x` } };
      return { status: 200, body: { status: "InProgress" } };
    };
    const err = await failure(approve({ lro: { minDelayInMs: 20, maxDelayInMs: 20, timeoutInMs: 200 } }));
    expect(err).toMatchObject({ transient: true, code: "LongRunningOperationTimeout" });
    expect(server.count("GET")).toBeLessThanOrEqual(10);
  });

  it("the caller's abortSignal stops the polling", async () => {
    server.handler = (r, s) => {
      if (isPut(r))
        return { status: 202, headers: { "azure-asyncoperation": `${s.url}/ops/slow?api-version=x` } };
      return { status: 200, body: { status: "InProgress" } };
    };
    const controller = new AbortController();
    const adapter = new ArmApprovalAdapter(armFor(server, { lro: { minDelayInMs: 50, maxDelayInMs: 50 } }));
    const p = adapter.setConnectionState(pending(CONN), "Approved", "x", { abortSignal: controller.signal });
    setTimeout(() => controller.abort(), 120);
    const err = await failure(p);
    expect(err.code).toBe("Aborted");
    // A poll in flight at the abort may still reach the server; after that, nothing more (polls were 50 ms
    // apart, so 300 ms of silence means the loop has stopped).
    await new Promise((r) => setTimeout(r, 200));
    const after = server.requests.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(server.requests.length).toBe(after);
  });
});

describe("Retry-After on polls", () => {
  it("as an HTTP date in the past: the poll waits the 1 s floor instead of spinning", async () => {
    const started = Date.now();
    let polls = 0;
    server.handler = (r, s) => {
      if (isPut(r))
        return {
          status: 202,
          headers: {
            "azure-asyncoperation": `${s.url}/ops/d1?api-version=x`,
            "retry-after": new Date(0).toUTCString(),
          },
        };
      if (r.path === "/ops/d1") {
        polls++;
        // Done once 1.5 s have passed, however often it is asked: a spinning client asks hundreds of times.
        const done = Date.now() - started > 1_500;
        return {
          status: 200,
          headers: { "retry-after": new Date(Date.now() - 60_000).toUTCString() },
          body: { status: done ? "Succeeded" : "InProgress" },
        };
      }
      if (isConnGet(r)) return { status: 200, body: conn(CONN, "Approved", "Succeeded") };
      return { status: 404 };
    };
    // Production poll settings (no lro override): floor 1 s.
    const c = await approve({});
    expect(c.status).toBe("Approved");
    expect(polls).toBeGreaterThanOrEqual(1);
    expect(polls).toBeLessThanOrEqual(3);
  });

  it("as an HTTP date in the future: honoured (one poll after it)", async () => {
    let polls = 0;
    server.handler = (r, s) => {
      if (isPut(r))
        return {
          status: 202,
          headers: {
            "azure-asyncoperation": `${s.url}/ops/d2?api-version=x`,
            "retry-after": new Date(Date.now() + 2_000).toUTCString(),
          },
        };
      if (r.path === "/ops/d2") {
        polls++;
        return { status: 200, body: { status: "Succeeded" } };
      }
      if (isConnGet(r)) return { status: 200, body: conn(CONN, "Approved", "Succeeded") };
      return { status: 404 };
    };
    const started = Date.now();
    await approve({});
    expect(polls).toBe(1);
    // toUTCString drops milliseconds, so the wait is between 1 and 2 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});

describe("Private Link Services through the generic client (Network 2026-01-01)", () => {
  it("the synchronous PUT's answer is verified: Approved is written", async () => {
    server.handler = (r) =>
      isPut(r) ? { status: 200, body: conn(PLS_CONN, "Approved", "Succeeded") } : { status: 404 };
    const c = await approve({}, PLS_CONN);
    expect(c.status).toBe("Approved");
    expect(server.count("PUT", PLS_CONN)).toBe(1);
  });

  it("the answer is returned as ARM shows it (another status stays visible to reconcile)", async () => {
    server.handler = (r) =>
      isPut(r) ? { status: 200, body: conn(PLS_CONN, "Pending", "Succeeded") } : { status: 404 };
    expect((await approve({}, PLS_CONN)).status).toBe("Pending");
  });
});

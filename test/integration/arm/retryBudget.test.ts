/**
 * The Event Grid path's retry budget, through the real clients (the generic client for PaaS targets and
 * Private Link Services, the long-running write): throttling that would hold a delivery past the budget fails fast with a transient
 * RetryBudgetExhausted error (Event Grid's own retry carries the event) instead of waiting. Asserted by
 * counting requests and reading the error, not by wall-clock bounds.
 */
import { ArmApprovalAdapter } from "../../../src/adapters/arm/armReader";
import { ArmTenantResolver } from "../../../src/adapters/arm/tenantResolver";
import { EVENT_PATH_RETRY_BUDGET_IN_MS } from "../../../src/adapters/arm/context";
import { withRetryBudget } from "../../../src/adapters/arm/retry";
import { ArmError } from "../../../src/core/errors";
import { armFor, startProviderServer, type ProviderServer } from "./providerServer";

const SUB = "11111111-1111-1111-1111-111111111111";
const KV = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1`;
const CONN = `${KV}/privateEndpointConnections/c1`;
const THROTTLED = {
  status: 429,
  headers: { "retry-after": "10" },
  body: { error: { code: "TooManyRequests", message: "slow down" } },
};

function connBody(status: string): Record<string, unknown> {
  return {
    id: CONN,
    name: "c1",
    properties: { privateLinkServiceConnectionState: { status }, provisioningState: "Succeeded" },
  };
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

let server: ProviderServer;
beforeEach(async () => {
  server = await startProviderServer(() => THROTTLED);
});
afterEach(async () => {
  await server.close();
});

const eventPath = (): ReturnType<typeof armFor> =>
  armFor(server, { retryBudgetInMs: EVENT_PATH_RETRY_BUDGET_IN_MS, retryOptions: { maxRetries: 3 } });

describe("event-path budget: 429 with Retry-After: 10, three times", () => {
  it("generic client GET fails fast after one request, transient, saying the budget is exhausted", async () => {
    const err = await failure(eventPath().generic.get(KV, "2019-09-01"));
    expect(server.requests).toHaveLength(1);
    expect(err).toMatchObject({ statusCode: 429, code: "RetryBudgetExhausted", transient: true });
    expect(err.message).toMatch(
      /retry budget of 10000 ms exhausted after 1 attempt\(s\): ARM answered HTTP 429/,
    );
  });

  it("a Private Link Service read obeys the same budget", async () => {
    const arm = eventPath();
    const err = await failure(
      new ArmApprovalAdapter(arm).getConnection(
        `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/pls1/privateEndpointConnections/p1`,
      ),
    );
    expect(server.requests).toHaveLength(1);
    expect(err).toMatchObject({ statusCode: 429, code: "RetryBudgetExhausted", transient: true });
  });

  it("a connection write fails fast too, and nothing is claimed written", async () => {
    const adapter = new ArmApprovalAdapter(eventPath());
    const err = await failure(
      adapter.setConnectionState({ id: CONN, name: "c1", targetId: KV, status: "Pending" }, "Approved", "x"),
    );
    expect(server.requests.map((r) => r.method)).toEqual(["PUT"]);
    expect(err).toMatchObject({ code: "RetryBudgetExhausted", transient: true });
  });

  it("tenant discovery (unauthenticated, its own pipeline) obeys the same budget", async () => {
    const err = await failure(new ArmTenantResolver(eventPath()).tenantOfSubscription(SUB));
    expect(server.requests).toHaveLength(1);
    expect(err).toMatchObject({ statusCode: 429, code: "RetryBudgetExhausted", transient: true });
  });

  it("without a budget (sweep, CLI) the same context honours Retry-After and retries", async () => {
    let n = 0;
    server.handler = () =>
      n++ < 1
        ? { ...THROTTLED, headers: { "retry-after": "1" } }
        : { status: 200, body: connBody("Approved") };
    const body = await armFor(server).generic.get(CONN, "2019-09-01");
    expect(body).toMatchObject({ name: "c1" });
    expect(server.requests).toHaveLength(2);
  });
});

describe("Retry-After as an HTTP date on throttling", () => {
  it("a date 2 s ahead is waited out once; a date in the past retries at once (bounded by the retry count)", async () => {
    let n = 0;
    server.handler = () =>
      n++ < 1
        ? { ...THROTTLED, headers: { "retry-after": new Date(Date.now() + 2_000).toUTCString() } }
        : { status: 200, body: connBody("Approved") };
    const started = Date.now();
    await armFor(server).generic.get(CONN, "2019-09-01");
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);

    server.handler = () => ({ ...THROTTLED, headers: { "retry-after": new Date(0).toUTCString() } });
    const err = await failure(
      armFor(server, { retryOptions: { maxRetries: 3 } }).generic.get(CONN, "2019-09-01"),
    );
    expect(err).toMatchObject({ statusCode: 429, transient: true });
    expect(server.requests).toHaveLength(2 + 4);
  });

  it("under the event budget a date past the budget fails fast", async () => {
    server.handler = () => ({
      ...THROTTLED,
      headers: { "retry-after": new Date(Date.now() + 30_000).toUTCString() },
    });
    const err = await failure(eventPath().generic.get(CONN, "2019-09-01"));
    expect(server.requests).toHaveLength(1);
    expect(err.code).toBe("RetryBudgetExhausted");
  });
});

describe("one budget shared by an invocation", () => {
  it("waits that fit are taken; the request whose wait would pass the deadline fails", async () => {
    let n = 0;
    // Every second request is throttled for 3 s. Budget 5 s: the first wait fits (unless the first answer
    // took over 2 s), the second cannot (3 s already spent).
    server.handler = () =>
      n++ % 2 === 0
        ? { ...THROTTLED, headers: { "retry-after": "3" } }
        : { status: 200, body: connBody("Approved") };
    const arm = armFor(server);
    const err = await failure(
      withRetryBudget(5_000, async () => {
        await arm.generic.get(CONN, "2019-09-01"); // 429, wait 3 s, 200
        await arm.generic.get(CONN, "2019-09-01"); // 429: another 3 s would pass 5 s
      }),
    );
    expect(server.requests).toHaveLength(3);
    expect(err).toMatchObject({ code: "RetryBudgetExhausted", transient: true });
  });

  it("a long-running write's polls count against it", async () => {
    server.handler = (r, s) =>
      r.method === "PUT"
        ? {
            status: 202,
            headers: { "azure-asyncoperation": `${s.url}/ops/1?api-version=x`, "retry-after": "3" },
          }
        : { status: 200, headers: { "retry-after": "3" }, body: { status: "InProgress" } };
    const adapter = new ArmApprovalAdapter(armFor(server));
    const err = await failure(
      withRetryBudget(4_000, () =>
        adapter.setConnectionState(
          { id: CONN, name: "c1", targetId: KV, status: "Pending" },
          "Approved",
          "x",
        ),
      ),
    );
    expect(err).toMatchObject({ code: "RetryBudgetExhausted", transient: true });
    expect(err.message).toContain("the write may still complete");
    expect(server.count("GET")).toBe(1);
  });
});

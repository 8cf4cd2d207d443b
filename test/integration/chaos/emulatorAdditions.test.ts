/**
 * What the chaos benchmark added to the emulator: fault rules that fire on a share of requests, and a log of
 * connection writes with the state before each (how double writes are counted).
 */
import { acceptedVersions } from "../../../src/emulator/apiVersions";
import { FaultConfigError, FaultController } from "../../../src/emulator/faults";
import { startEmulator } from "../../../src/emulator";
import { logConnectionWrites } from "../../../src/emulator/writeLog";
import * as https from "node:https";

describe("fault probability", () => {
  test("a rule with probability fires on about that share of matches and lets the rest through", () => {
    const faults = new FaultController();
    faults.add({ id: "p", path: "/x", probability: 0.3, status: 503 });
    let fired = 0;
    for (let i = 0; i < 4000; i++) if (faults.match("GET", "/x")) fired++;
    // Binomial(4000, 0.3): mean 1200, sd 29; the bounds are 7 sd away.
    expect(fired).toBeGreaterThan(1000);
    expect(fired).toBeLessThan(1400);
    expect(faults.list()[0]?.hits).toBe(fired);
  });

  test("a request a probabilistic rule lets through is matched by the next rule", () => {
    const faults = new FaultController();
    faults.add({ id: "never", probability: 1e-12, status: 429 });
    faults.add({ id: "always", status: 503 });
    expect(faults.match("GET", "/y")?.rule.id).toBe("always");
  });

  test.each([0, -0.1, 1.5, Number.NaN])("probability %p is refused", (p) => {
    expect(() => new FaultController().add({ status: 503, probability: p })).toThrow(FaultConfigError);
  });
});

describe("connection write log", () => {
  test("records each applied PUT with the status before and after; a refused PUT is not a write", async () => {
    const sub = "11111111-1111-1111-1111-111111111111";
    const target = `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Relay/namespaces/r1`;
    const emu = await startEmulator({
      seed: [
        {
          id: `/subscriptions/${sub}`,
          subscriptionId: sub,
          tenantId: "22222222-2222-2222-2222-222222222222",
        },
        {
          id: target,
          name: "r1",
          type: "Microsoft.Relay/namespaces",
          location: "westeurope",
          properties: {
            privateEndpointConnections: [
              {
                id: `${target}/privateEndpointConnections/c1`,
                name: "c1",
                properties: {
                  privateEndpoint: {
                    id: `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe`,
                  },
                  privateLinkServiceConnectionState: { status: "Pending", description: "hi" },
                },
              },
            ],
          },
        },
      ],
    });
    const log = logConnectionWrites(emu.state);
    try {
      const put = (status: string, etag?: string) =>
        new Promise<number>((resolve, reject) => {
          const req = https.request(
            `${emu.url}${target}/privateEndpointConnections/c1?api-version=${acceptedVersions("microsoft.relay/namespaces")[0] ?? ""}`,
            {
              method: "PUT",
              ca: emu.caPem,
              headers: {
                authorization: "Bearer test",
                "content-type": "application/json",
                ...(etag ? { "if-match": etag } : {}),
              },
            },
            (res) => {
              res.resume();
              res.on("end", () => resolve(res.statusCode ?? 0));
            },
          );
          req.on("error", reject);
          req.end(
            JSON.stringify({
              properties: { privateLinkServiceConnectionState: { status, description: "x" } },
            }),
          );
        });
      expect(await put("Approved")).toBe(200);
      expect(await put("Rejected")).toBe(200);
      expect(await put("Rejected", '"stale"')).toBe(412);
      expect(log.writes.map((w) => [w.before, w.after])).toEqual([
        ["Pending", "Approved"],
        ["Approved", "Rejected"],
      ]);
      log.detach();
      expect(await put("Rejected")).toBe(200);
      expect(log.writes).toHaveLength(2);
    } finally {
      log.detach();
      await emu.stop();
    }
  });
});

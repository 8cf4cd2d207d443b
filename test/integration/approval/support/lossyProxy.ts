/**
 * An HTTPS pass-through in front of the emulator that can lose responses: a matching request is forwarded,
 * the emulator applies it and answers, and the proxy then destroys the client's socket instead of relaying
 * the answer — a write that landed but whose response never arrived (a dropped connection after the fact,
 * which the emulator's own `drop` fault, acting before the request is served, cannot show). Test code only;
 * it terminates TLS with the suite's loopback certificate (test/global-setup.ts), verification stays on.
 */
import * as fs from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import type { RunningEmulator } from "../../../../src/emulator";

export interface LossyProxy {
  readonly url: string;
  /** The CA that signed the proxy's certificate (PEM), for the client to trust. */
  readonly caPem: string;
  /** Lose the responses to the next `times` requests whose method and path match. */
  loseNext(times: number, method: string, path: RegExp): void;
  /** Responses lost so far. */
  lost(): number;
  close(): Promise<void>;
}

export async function startLossyProxy(emu: RunningEmulator): Promise<LossyProxy> {
  const dir = process.env["LINKGATE_TEST_TLS_DIR"];
  if (!dir) throw new Error("test/global-setup.ts did not run (LINKGATE_TEST_TLS_DIR unset)");
  const caPem = fs.readFileSync(path.join(dir, "ca.pem"), "utf8");
  const upstream = new URL(emu.url);
  let rule: { times: number; method: string; path: RegExp } | undefined;
  let lost = 0;
  const server = https.createServer(
    {
      cert: fs.readFileSync(path.join(dir, "cert.pem")),
      key: fs.readFileSync(path.join(dir, "key.pem")),
    },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const url = req.url ?? "/";
        const lose =
          rule !== undefined &&
          rule.times > 0 &&
          req.method === rule.method &&
          rule.path.test(decodeURIComponent(url.split("?")[0] ?? ""));
        if (lose && rule) rule.times -= 1;
        const headers = { ...req.headers, host: upstream.host };
        const up = https.request(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: req.method,
            path: url,
            headers,
            ca: emu.caPem,
          },
          (upRes) => {
            const body: Buffer[] = [];
            upRes.on("data", (c: Buffer) => body.push(c));
            upRes.on("end", () => {
              if (lose) {
                lost += 1;
                req.socket.destroy();
                return;
              }
              res.writeHead(upRes.statusCode ?? 502, upRes.headers);
              res.end(Buffer.concat(body));
            });
          },
        );
        up.on("error", () => req.socket.destroy());
        up.end(Buffer.concat(chunks));
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    caPem,
    loseNext: (times, method, p) => {
      rule = { times, method, path: p };
    },
    lost: () => lost,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

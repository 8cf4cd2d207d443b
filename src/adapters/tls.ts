/**
 * TLS settings that trust the public roots plus one extra CA (the emulator's, Azurite's), verification on.
 * Built once per CA as a secure context and shared: given as a `ca` list, the ~145 roots were part of Node's
 * agent pool key, rebuilt (every certificate joined) on each request; and one settings object per CA lets the
 * pipeline's agent cache (keyed by the settings object) serve every client that trusts it.
 */
import * as tls from "node:tls";
import type { TlsSettings } from "@azure/core-rest-pipeline";

const byCa = new Map<string, TlsSettings>();

export function trustAlso(extraCaPem: string): TlsSettings {
  let settings = byCa.get(extraCaPem);
  if (!settings) {
    const secureContext = tls.createSecureContext({ ca: [...tls.rootCertificates, extraCaPem] });
    // The pipeline spreads these settings into its https.Agent, which hands `secureContext` to tls.connect.
    settings = { secureContext } as TlsSettings;
    byCa.set(extraCaPem, settings);
  }
  return settings;
}

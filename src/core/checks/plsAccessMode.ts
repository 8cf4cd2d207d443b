/**
 * A Private Link Service's `accessMode` (Microsoft.Network 2026-01-01, what @azure/arm-network 39 sends;
 * spec: network/resource-manager/Microsoft.Network/stable/2026-01-01/privateLinkService.json,
 * PrivateLinkServiceProperties.accessMode, an extensible enum):
 * - `Default`: "Allows unrestricted access to the private link service" — visibility only governs who can
 *   find the service by alias; anyone with its resource ID can still ask to connect.
 * - `Restricted`: "Limits access to subscriptions which are inside visibility list only."
 * Absent (older api-versions, older services) behaves as `Default`. A value the spec does not list is kept
 * and named, never guessed at.
 */
import { asString, props } from "./arm";
import type { ArmJson } from "../inventory";

export type PlsAccessMode =
  | { readonly kind: "Default"; readonly reported: boolean }
  | { readonly kind: "Restricted" }
  | { readonly kind: "unknown"; readonly value: string };

export function plsAccessMode(pls: ArmJson): PlsAccessMode {
  const v = asString(props(pls)["accessMode"]);
  if (v === undefined || v === "") return { kind: "Default", reported: false };
  if (v.toLowerCase() === "default") return { kind: "Default", reported: true };
  if (v.toLowerCase() === "restricted") return { kind: "Restricted" };
  return { kind: "unknown", value: v };
}

/** How findings name the mode: `accessMode Restricted`, `accessMode Default (not reported)`. */
export function describeAccessMode(m: PlsAccessMode): string {
  if (m.kind === "unknown") return `accessMode ${JSON.stringify(m.value)} (not known to linkgate)`;
  if (m.kind === "Default" && !m.reported) return "accessMode Default (not reported)";
  return `accessMode ${m.kind}`;
}

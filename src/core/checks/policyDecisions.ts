/**
 * The current policy's decision for each connection in a given state, for the checks that compare the
 * policy with what ARM holds (missed events, drift). A policy that throws is reported as a check error
 * naming the connection.
 */
import { errorMessage } from "../errors";
import type { ConnectionStatus, Decision, PrivateEndpointConnection } from "../model";
import type { Inventory } from "../inventory";
import type { CheckContext } from "./types";

export function* policyDecisions(
  inv: Inventory,
  ctx: CheckContext,
  status: ConnectionStatus,
): Generator<{ connection: PrivateEndpointConnection; decision: Decision }> {
  const { evaluate, factsFor } = ctx;
  if (!evaluate || !factsFor) return;
  for (const connection of inv.connections) {
    if (connection.status !== status) continue;
    const facts = factsFor(connection);
    if (!facts) continue;
    let decision: Decision;
    try {
      decision = evaluate(facts);
    } catch (err) {
      throw new Error(`evaluating policy for ${connection.id}: ${errorMessage(err)}`);
    }
    yield { connection, decision };
  }
}

/**
 * Long-running operations: a write that the provider's contract answers before it is done (a connection PUT
 * to Sql, Cosmos DB, Key Vault..., any connection DELETE) holds its resource in an intermediate state and
 * registers here. Polling the operation's status resource advances it; after `polls` polls it ends with its
 * outcome — Succeeded normally, Failed when a fault rule asked for it — and applies its effect.
 */
import { randomUUID } from "node:crypto";

export type OperationOutcome = "Succeeded" | "Failed" | "Canceled";

export interface OperationError {
  code: string;
  message: string;
}

export interface OperationRecord {
  readonly id: string;
  readonly method: string;
  /** Path of the resource the operation changes. */
  readonly resource: string;
  /** The provisioning state the resource is held in while the operation runs (`Updating`, `Approving`...). */
  readonly heldState?: string;
  status: "InProgress" | OperationOutcome;
  /** Polls of the status resource seen so far. */
  polls: number;
  readonly startTime: string;
  endTime?: string;
  error?: OperationError;
}

interface Live {
  record: OperationRecord;
  pollsLeft: number;
  outcome: OperationOutcome;
  error?: OperationError;
  finish: (outcome: OperationOutcome) => void;
}

export interface StartOptions {
  method: string;
  resource: string;
  heldState?: string;
  /** Polls it stays InProgress (at least 1: the first poll may already see the end). */
  polls: number;
  /** How it ends; Succeeded unless a fault rule says otherwise. */
  outcome?: OperationOutcome;
  error?: OperationError;
  /** Applies the end to the resource (final state, removal, or rollback on failure). */
  finish: (outcome: OperationOutcome) => void;
}

export class OperationRegistry {
  private readonly ops = new Map<string, Live>();

  start(options: StartOptions): OperationRecord {
    const record: OperationRecord = {
      id: randomUUID(),
      method: options.method,
      resource: options.resource,
      heldState: options.heldState,
      status: "InProgress",
      polls: 0,
      startTime: new Date().toISOString(),
    };
    this.ops.set(record.id, {
      record,
      pollsLeft: Math.max(1, options.polls),
      outcome: options.outcome ?? "Succeeded",
      error: options.error,
      finish: options.finish,
    });
    return record;
  }

  /** Polls an operation: advances it, and ends it (applying its effect) once its polls are used up. */
  poll(id: string): OperationRecord | undefined {
    const op = this.ops.get(id.toLowerCase()) ?? this.ops.get(id);
    if (!op) return undefined;
    op.record.polls++;
    if (op.record.status === "InProgress") {
      op.pollsLeft--;
      if (op.pollsLeft <= 0) {
        op.record.status = op.outcome;
        op.record.endTime = new Date().toISOString();
        if (op.outcome !== "Succeeded") {
          op.record.error = op.error ?? {
            code: "OperationFailed",
            message: `The operation on '${op.record.resource}' ended ${op.outcome}.`,
          };
        }
        op.finish(op.outcome);
      }
    }
    return op.record;
  }

  /** Every operation started so far (tests observe intermediate states and polls through these). */
  list(): readonly OperationRecord[] {
    return [...this.ops.values()].map((o) => o.record);
  }
}

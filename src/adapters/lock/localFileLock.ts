/**
 * The target lock of one machine, for the CLI when no storage is configured: several `linkgate` processes on
 * this machine (a loop of handle-event calls, a reconcile next to a sweep) take turns per target.
 *
 * proper-lockfile holds `<dir>/<sha256 of key>.lock` (an atomic mkdir) and refreshes its mtime every
 * `updateInMs`; a lock not refreshed for `staleInMs` (its process died) is taken over. Unconfirmed writes are
 * kept next to it in `<hash>.json`, written only while holding the lock. Not a cross-machine lock: anything
 * that runs on more than one host must configure storage (the Table lease).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as lockfile from "proper-lockfile";
import { errorMessage } from "../../core/errors";
import { DEFAULT_LOCK_WAIT_MS, LockTimeoutError } from "../../core/lock";
import type { AcquireLockOptions, Logger, TargetLock, TargetLockHandle, UnconfirmedWrite } from "../../ports";
import { sleep } from "../sleep";
import { parseUnconfirmed } from "./unconfirmed";

export interface LocalFileLockOptions {
  /** Where lock files live. Default `os.tmpdir()/linkgate-locks`. */
  dir?: string;
  /** A lock not refreshed for this long belongs to a dead process. Default 10 s (proper-lockfile's floor is 2 s). */
  staleInMs?: number;
  /** Refresh period while held. Default staleInMs / 2. */
  updateInMs?: number;
  pollInMs?: number;
  logger?: Logger;
}

export function defaultLockDir(): string {
  return path.join(os.tmpdir(), "linkgate-locks");
}

function readNotes(file: string): UnconfirmedWrite[] {
  try {
    return parseUnconfirmed(fs.readFileSync(file, "utf8"));
  } catch {
    return [];
  }
}

export class LocalFileLock implements TargetLock {
  readonly description: string;
  private readonly dir: string;
  private readonly stale: number;
  private readonly update: number;
  private readonly poll: number;

  constructor(private readonly options: LocalFileLockOptions = {}) {
    this.dir = options.dir ?? defaultLockDir();
    this.stale = Math.max(2_000, options.staleInMs ?? 10_000);
    this.update = Math.max(1_000, Math.min(options.updateInMs ?? this.stale / 2, this.stale / 2));
    this.poll = options.pollInMs ?? 25;
    this.description = `machine-local lock files in ${this.dir}`;
  }

  async acquire(key: string, options: AcquireLockOptions = {}): Promise<TargetLockHandle> {
    const wait = options.waitTimeoutInMs ?? DEFAULT_LOCK_WAIT_MS;
    const deadline = Date.now() + wait;
    const signal = options.abortSignal;
    // Owner-only: other local users must not hold or read our locks.
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const base = path.join(this.dir, createHash("sha256").update(key, "utf8").digest("hex"));
    const notesFile = `${base}.json`;
    const lost = new AbortController();
    let delay = this.poll;
    for (;;) {
      let release: (() => Promise<void>) | undefined;
      try {
        release = await lockfile.lock(base, {
          realpath: false,
          stale: this.stale,
          update: this.update,
          retries: 0,
          onCompromised: (err) => {
            // Default would throw from a timer and kill the process; mark the handle lost instead.
            lost.abort(err);
            this.options.logger?.error("target lock: local lock compromised; stopping work on the target", {
              key,
              error: errorMessage(err),
            });
          },
        });
      } catch (e) {
        if ((e as { code?: string }).code !== "ELOCKED") {
          throw new Error(`${this.description}: cannot lock ${key}: ${errorMessage(e)}`);
        }
      }
      if (release) return this.handle(key, notesFile, release, lost);
      const left = deadline - Date.now();
      if (left <= 0) throw new LockTimeoutError(key, wait, this.description);
      await sleep(Math.min(left, delay / 2 + Math.random() * delay), signal);
      delay = Math.min(delay * 2, 250);
    }
  }

  private handle(
    key: string,
    notesFile: string,
    release: () => Promise<void>,
    lost: AbortController,
  ): TargetLockHandle {
    let done = false;
    return {
      key,
      lost: lost.signal,
      unconfirmed: readNotes(notesFile),
      recordUnconfirmed: async (writes) => {
        if (writes.length === 0) {
          fs.rmSync(notesFile, { force: true });
          return;
        }
        const tmp = `${notesFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, JSON.stringify(writes), { mode: 0o600 });
        fs.renameSync(tmp, notesFile);
      },
      release: async () => {
        if (done) return;
        done = true;
        try {
          await release();
        } catch (e) {
          // Already released as stale by another process: nothing of ours left to free.
          this.options.logger?.warn("target lock: local release failed", { key, error: errorMessage(e) });
        }
      },
    };
  }
}

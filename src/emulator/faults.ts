/**
 * Fault injection: rules matched per request (method + path regex) that add latency, answer an error status
 * (429 with Retry-After, 500, 503...) or drop the connection, optionally only for the next N matches.
 * Rules come from tests (the controller) or from a file (`faults.json` in the seed directory).
 */
import * as fs from "node:fs";

export interface FaultRule {
  /** Identifies the rule in `list()` and `remove()`; generated when absent. */
  id?: string;
  /** HTTP method to match (case-insensitive); any method when absent. */
  method?: string;
  /** Regular expression matched (case-insensitively) against the decoded request path; any path when absent. */
  path?: string;
  /** Affect only the next N matching requests, then retire; unlimited when absent. */
  times?: number;
  /** Delay before answering (or before the injected error). */
  latencyMs?: number;
  /** Answer this status with an ARM error body instead of serving the request. */
  status?: number;
  /** Retry-After header (seconds) sent with `status`. */
  retryAfterSeconds?: number;
  /** ARM error code for `status`; defaults by status (TooManyRequests, InternalServerError, ServiceUnavailable...). */
  code?: string;
  /** Destroy the socket without answering (the client sees a connection reset). */
  drop?: boolean;
  /** Fire on this fraction (0..1] of matching requests, drawn at random; on every match when absent. */
  probability?: number;
}

export interface FaultDecision {
  rule: Readonly<FaultRule>;
  latencyMs: number;
  status?: number;
  retryAfterSeconds?: number;
  code?: string;
  drop: boolean;
}

interface LiveRule {
  rule: FaultRule & { id: string };
  method?: string;
  path?: RegExp;
  remaining: number;
  hits: number;
}

export class FaultConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FaultConfigError";
  }
}

function validate(rule: FaultRule, where: string): void {
  const allowed = new Set([
    "id",
    "method",
    "path",
    "times",
    "latencyMs",
    "status",
    "retryAfterSeconds",
    "code",
    "drop",
    "probability",
  ]);
  for (const k of Object.keys(rule)) {
    if (!allowed.has(k))
      throw new FaultConfigError(`${where}: unknown field "${k}" (allowed: ${[...allowed].join(", ")})`);
  }
  checkTimesAndPath(rule, where, FaultConfigError);
  if (rule.latencyMs !== undefined && (!Number.isFinite(rule.latencyMs) || rule.latencyMs < 0))
    throw new FaultConfigError(`${where}: "latencyMs" must be a non-negative number`);
  if (rule.status !== undefined && (!Number.isInteger(rule.status) || rule.status < 400 || rule.status > 599))
    throw new FaultConfigError(`${where}: "status" must be an HTTP error status (400-599)`);
  if (
    rule.retryAfterSeconds !== undefined &&
    (!Number.isInteger(rule.retryAfterSeconds) || rule.retryAfterSeconds < 0)
  )
    throw new FaultConfigError(`${where}: "retryAfterSeconds" must be a non-negative integer`);
  if (rule.probability !== undefined && !(rule.probability > 0 && rule.probability <= 1))
    throw new FaultConfigError(`${where}: "probability" must be a number in (0, 1]`);
  if (rule.status === undefined && !rule.drop && rule.latencyMs === undefined)
    throw new FaultConfigError(`${where}: a rule needs at least one of "status", "drop" or "latencyMs"`);
}

/**
 * The fields request and operation fault rules share: `times` a positive integer, `path` a regular expression.
 * Thrown as `ErrorType`, prefixed with `where`.
 */
export function checkTimesAndPath(
  rule: { times?: number; path?: string },
  where: string,
  ErrorType: new (message: string) => Error,
): void {
  if (rule.times !== undefined && (!Number.isInteger(rule.times) || rule.times < 1))
    throw new ErrorType(`${where}: "times" must be a positive integer`);
  if (rule.path !== undefined) {
    try {
      new RegExp(rule.path, "i");
    } catch (e) {
      throw new ErrorType(`${where}: "path" is not a valid regular expression: ${(e as Error).message}`);
    }
  }
}

const DEFAULT_CODES: Readonly<Record<number, string>> = {
  429: "TooManyRequests",
  500: "InternalServerError",
  502: "BadGateway",
  503: "ServiceUnavailable",
  504: "GatewayTimeout",
};

export function defaultFaultCode(status: number): string {
  return DEFAULT_CODES[status] ?? `Http${status}`;
}

function decisionOf(r: LiveRule): FaultDecision {
  return {
    rule: r.rule,
    latencyMs: r.rule.latencyMs ?? 0,
    status: r.rule.status,
    retryAfterSeconds: r.rule.retryAfterSeconds,
    code: r.rule.code,
    drop: r.rule.drop ?? false,
  };
}

export class FaultController {
  private rules: LiveRule[] = [];
  private counter = 0;

  /** Adds a rule; returns its id. */
  add(rule: FaultRule): string {
    validate(rule, `fault rule ${JSON.stringify(rule)}`);
    const id = rule.id ?? `fault-${++this.counter}`;
    this.rules.push({
      rule: { ...rule, id },
      method: rule.method?.toUpperCase(),
      path: rule.path !== undefined ? new RegExp(rule.path, "i") : undefined,
      remaining: rule.times ?? Number.POSITIVE_INFINITY,
      hits: 0,
    });
    return id;
  }

  /** "Fail the next N requests matching X": shorthand for a counted status rule. */
  failNext(
    times: number,
    match: { method?: string; path?: string },
    status = 503,
    retryAfterSeconds?: number,
  ): string {
    return this.add({ ...match, times, status, retryAfterSeconds });
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.rule.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  /** Active rules with how often each has fired. */
  list(): { rule: Readonly<FaultRule>; hits: number; remaining: number }[] {
    return this.rules.map((r) => ({ rule: r.rule, hits: r.hits, remaining: r.remaining }));
  }

  /** The first matching rule decides; a counted rule retires when used up. */
  match(method: string, path: string): FaultDecision | undefined {
    const r = this.first(method, path);
    if (!r) return undefined;
    r.hits++;
    r.remaining--;
    if (r.remaining <= 0) this.rules = this.rules.filter((x) => x !== r);
    return decisionOf(r);
  }

  /**
   * What `match` would decide for this request, without counting a hit or using up a counted rule: for the
   * emulator's own questions about a request nobody sent (Resource Graph asking whether a subscription's GET
   * would be refused), so that "fail the next N GETs" is left to the N GETs. A rule with a probability is
   * drawn for as in `match`.
   */
  peek(method: string, path: string): FaultDecision | undefined {
    const r = this.first(method, path);
    return r ? decisionOf(r) : undefined;
  }

  private first(method: string, path: string): LiveRule | undefined {
    const m = method.toUpperCase();
    return this.rules.find(
      (r) =>
        (!r.method || r.method === m) &&
        (!r.path || r.path.test(path)) &&
        (r.rule.probability === undefined || Math.random() < r.rule.probability),
    );
  }

  /** Loads `{"rules":[...]}` (or a bare array) from a file. */
  loadFile(file: string): number {
    return loadRulesFile(file, "fault rules", (r) => this.add(r as FaultRule), FaultConfigError);
  }
}

/**
 * Reads a rules file (`{"rules":[...]}` or a bare array) and hands each rule object to `add`; any problem is
 * thrown as `ErrorType` naming the file and the rule's index. Shared by request and operation fault rules.
 */
export function loadRulesFile(
  file: string,
  what: string,
  add: (rule: object) => void,
  ErrorType: new (message: string) => Error,
): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new ErrorType(`${file}: cannot read ${what}: ${(e as Error).message}`);
  }
  const rules = Array.isArray(parsed) ? parsed : (parsed as { rules?: unknown })?.rules;
  if (!Array.isArray(rules)) throw new ErrorType(`${file}: expected {"rules":[...]} or an array of rules`);
  rules.forEach((r: unknown, i) => {
    if (typeof r !== "object" || r === null || Array.isArray(r))
      throw new ErrorType(`${file}: rules[${i}] is not an object`);
    try {
      add(r);
    } catch (e) {
      throw new ErrorType(`${file}: rules[${i}]: ${(e as Error).message}`);
    }
  });
  return rules.length;
}

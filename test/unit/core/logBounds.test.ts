import { invocationLogger, streamLogger } from "../../../src/adapters/compose";
import { boundLogMessage, boundLogProperties, boundString, LOG_LIMITS } from "../../../src/core/logBounds";

const MB = 1024 * 1024;

describe("boundString", () => {
  it.each([
    ["short text unchanged", "abc", 10, "abc"],
    ["exactly the limit unchanged", "abcdefghij", 10, "abcdefghij"],
    ["cut and marked with the original length", "abcdefghijk", 10, "abcdefghij… [truncated, 11 chars]"],
    // "😀" is two UTF-16 units: a cut between them would leave half a character.
    ["never splits a surrogate pair", `${"a".repeat(9)}😀b`, 10, `${"a".repeat(9)}… [truncated, 12 chars]`],
  ])("%s", (_name, input, max, expected) => {
    expect(boundString(input, max)).toBe(expected);
  });
});

describe("boundLogProperties", () => {
  type Row = [string, Record<string, unknown>, (out: Record<string, unknown>) => void];
  const rows: Row[] = [
    [
      "a 1 MB string field becomes 1,024 characters plus the marker",
      { targetId: "x".repeat(MB) },
      (o) => expect(o["targetId"]).toBe(`${"x".repeat(1024)}… [truncated, ${MB} chars]`),
    ],
    [
      "numbers, booleans, null and undefined pass unchanged",
      { a: 1, b: true, c: null, d: undefined },
      (o) => expect(o).toEqual({ a: 1, b: true, c: null, d: undefined }),
    ],
    [
      "an array of 5,000 keeps 32 items and says how many more",
      { targets: Array.from({ length: 5000 }, (_, i) => `t${i}`) },
      (o) => {
        const list = o["targets"] as string[];
        expect(list).toHaveLength(33);
        expect(list[31]).toBe("t31");
        expect(list[32]).toBe("… 4968 more item(s) not logged");
      },
    ],
    [
      "nesting deeper than the limit is cut (and cycles end)",
      (() => {
        const cyc: Record<string, unknown> = { name: "loop" };
        cyc["self"] = cyc;
        return { cyc };
      })(),
      (o) => expect(JSON.stringify(o)).toContain("[nested too deep]"),
    ],
    [
      "an object with 10,000 keys keeps 64 and counts the rest",
      { big: Object.fromEntries(Array.from({ length: 10000 }, (_, i) => [`k${i}`, i])) },
      (o) => {
        const big = o["big"] as Record<string, unknown>;
        expect(Object.keys(big)).toHaveLength(65);
        expect(big["…"]).toBe("9936 more key(s) not logged");
      },
    ],
    [
      "an Error becomes its name and message",
      { error: new Error("boom") },
      (o) => expect(o["error"]).toBe("Error: boom"),
    ],
    [
      "32 fields of 1 MB: the whole line stays within the line budget",
      Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`f${i}`, "y".repeat(MB)])),
      (o) => {
        expect(JSON.stringify(o).length).toBeLessThan(LOG_LIMITS.lineBudget + 4096);
        expect(o["…"]).toMatch(/^\d+ more key\(s\) not logged$/);
      },
    ],
  ];
  it.each(rows)("%s", (_name, input, check) => {
    const before = JSON.stringify(Object.keys(input));
    const out = boundLogProperties(input);
    expect(out).toBeDefined();
    check(out ?? {});
    // The caller's object is never changed.
    expect(JSON.stringify(Object.keys(input))).toBe(before);
  });

  it("passes undefined through", () => {
    expect(boundLogProperties(undefined)).toBeUndefined();
  });

  it("bounds messages at 4,096 characters", () => {
    expect(boundLogMessage("m".repeat(MB))).toBe(`${"m".repeat(4096)}… [truncated, ${MB} chars]`);
  });
});

describe("the loggers every caller gets are bounded", () => {
  it("streamLogger: a 1 MB message and property become one short JSON line", () => {
    let out = "";
    const stream = { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream;
    streamLogger(stream).warn(`bad ${"z".repeat(MB)}`, { resourceId: "r".repeat(MB), n: 3 });
    const lines = out.split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.length).toBeLessThan(6_000);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: "warn",
      n: 3,
      resourceId: `${"r".repeat(1024)}… [truncated, ${MB} chars]`,
    });
  });

  it("invocationLogger: the host gets bounded message and properties", () => {
    const calls: unknown[][] = [];
    const ctx = {
      log: (...a: unknown[]) => calls.push(a),
      warn: (...a: unknown[]) => calls.push(a),
      error: (...a: unknown[]) => calls.push(a),
    };
    invocationLogger(ctx).error("e".repeat(MB), {
      events: Array.from({ length: 5000 }, () => ({ id: "x" })),
    });
    expect(String(calls[0]?.[0]).length).toBeLessThan(4_200);
    expect((calls[0]?.[1] as { events: unknown[] }).events).toHaveLength(33);
    invocationLogger(ctx).info("plain");
    expect(calls[1]).toEqual(["plain", {}]);
  });
});

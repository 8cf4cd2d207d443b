/**
 * The sharded sweep (issue 10, docs/performance.md "Beyond one instance"): the timer cuts the scope into
 * subscription shards and enqueues them (coordinator.ts), a queue-triggered function sweeps one shard
 * (sweepShard.ts) with finding state in the shard's own partition, and checks that reach into another
 * shard read the other side by ID (crossShard.ts).
 */
export * from "./plan";
export * from "./message";
export * from "./crossShard";
export * from "./coordinator";
export * from "./sweepShard";

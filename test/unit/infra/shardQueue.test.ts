/**
 * The sharded sweep's queue (src/adapters/queue, src/functions/sweepShard.ts) lives in the app's storage
 * account. The identity has queue data rights on named queues only and cannot create one, so the template must
 * create the queue and its poison queue, grant the app Storage Queue Data Contributor on both, and tell the app
 * the queue's name and the shard size; host.json must take one shard per instance and poison after a bound.
 */
import { loadSettings } from "../../../src/config";
import { readRepo } from "./files";

const storage = readRepo("infra/modules/storage.bicep");
const rbac = readRepo("infra/modules/appRbac.bicep");
const main = readRepo("infra/main.bicep");
const host = JSON.parse(readRepo("host.json")) as { extensions?: { queues?: Record<string, unknown> } };

describe("the shard queue is deployed, granted and configured", () => {
  it("main.bicep's defaults are the app's own (queue name; sharding off)", () => {
    expect(/param sweepQueueName string = '([^']+)'/.exec(main)?.[1]).toBe(loadSettings({}).sweepQueue);
    expect(/param sweepShardSize int = (\d+)/.exec(main)?.[1]).toBe(String(loadSettings({}).sweepShardSize));
  });

  it("storage.bicep creates the queue and its poison queue under the queue service", () => {
    expect(storage).toMatch(
      /resource sweepQueue 'Microsoft\.Storage\/storageAccounts\/queueServices\/queues@[^']+' = \{\s*parent: queueServices\s*name: sweepQueueName/,
    );
    expect(storage).toMatch(
      /resource sweepPoisonQueue 'Microsoft\.Storage\/storageAccounts\/queueServices\/queues@[^']+' = \{\s*parent: queueServices\s*name: '\$\{sweepQueueName\}-poison'/,
    );
  });

  it("appRbac.bicep grants Storage Queue Data Contributor on those two queues only", () => {
    for (const q of ["sweepQueue", "sweepPoisonQueue"]) {
      expect(rbac).toMatch(
        new RegExp(
          `scope: ${q}\\s*name: guid\\(${q}\\.id, principalId, roles\\.storageQueueDataContributor\\)`,
        ),
      );
    }
    expect(rbac).not.toMatch(/scope: storage\s*name: guid\([^)]*storageQueueDataContributor/);
  });

  it("main.bicep passes the queues to the RBAC module and the settings to the app", () => {
    expect(main).toMatch(/sweepQueueName: storage\.outputs\.sweepQueueName/);
    expect(main).toMatch(/sweepPoisonQueueName: storage\.outputs\.sweepPoisonQueueName/);
    expect(main).toMatch(/LINKGATE_SWEEP_QUEUE: storage\.outputs\.sweepQueueName/);
    expect(main).toMatch(/LINKGATE_SWEEP_SHARD_SIZE: string\(sweepShardSize\)/);
  });

  it("host.json: one shard per instance at a time, base64 messages, poisoned after 3 deliveries", () => {
    expect(host.extensions?.queues).toMatchObject({
      batchSize: 1,
      newBatchThreshold: 0,
      maxDequeueCount: 3,
      messageEncoding: "base64",
    });
  });
});

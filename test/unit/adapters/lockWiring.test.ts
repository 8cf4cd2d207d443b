/**
 * Which target lock the composition root hands to approval (Event Grid function, CLI) and to the sweep,
 * from settings alone. Nothing here touches the network: building a lock only builds clients.
 */
import { approvalDeps, approvalPorts } from "../../../src/adapters/compose";
import { sweepRuntime } from "../../../src/adapters/inventory/sweepRuntime";
import { StorageConfigError } from "../../../src/adapters/storage/tableFindingStore";
import { silentLogger } from "../../../src/ports";
import { approveAll, policyOf } from "../reconcile/fakes";

const SUB = "11111111-1111-1111-1111-111111111111";

describe("the target lock from settings", () => {
  it.each([
    ["no storage: lock files on this machine", {}, /^machine-local lock files in \S+linkgate-locks$/],
    [
      "a storage connection string (Azurite): the Table lease in linkgateLocks",
      { AzureWebJobsStorage: "UseDevelopmentStorage=true" },
      /^table linkgateLocks at http:\/\/127\.0\.0\.1:10002$/,
    ],
    [
      "identity-based storage, with LINKGATE_LOCK_TABLE",
      { AzureWebJobsStorage__accountName: "stlinkgate", LINKGATE_LOCK_TABLE: "leases" },
      /^table leases at https:\/\/stlinkgate\.table\.core\.windows\.net$/,
    ],
    [
      "LINKGATE_TABLE_ENDPOINT",
      { LINKGATE_TABLE_ENDPOINT: "https://st2.table.core.windows.net" },
      /^table linkgateLocks at https:\/\/st2\.table\.core\.windows\.net$/,
    ],
  ])("%s", (_name, env, description) => {
    const ports = approvalPorts({ env, logger: silentLogger });
    expect(ports.lock.description).toMatch(description);
    // The same lock for every consumer in the process: the event handler, the CLI, the sweep.
    expect(approvalDeps({ env, logger: silentLogger, policy: policyOf(approveAll) }).lock).toBe(ports.lock);
    const sweep = sweepRuntime({
      env: { ...env, LINKGATE_SUBSCRIPTIONS: SUB },
      logger: silentLogger,
      policy: policyOf(approveAll),
      trigger: "test",
    });
    expect(sweep.deps.approval?.lock).toBe(ports.lock);
  });

  it("an invalid LINKGATE_LOCK_TABLE is refused at start-up, naming the setting", () => {
    expect(() =>
      approvalPorts({
        env: { AzureWebJobsStorage: "UseDevelopmentStorage=true", LINKGATE_LOCK_TABLE: "no-dashes" },
        logger: silentLogger,
      }),
    ).toThrow(StorageConfigError);
    expect(() =>
      approvalPorts({
        env: { AzureWebJobsStorage: "UseDevelopmentStorage=true", LINKGATE_LOCK_TABLE: "no-dashes" },
        logger: silentLogger,
      }),
    ).toThrow(/LINKGATE_LOCK_TABLE="no-dashes"/);
  });
});

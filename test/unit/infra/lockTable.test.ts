/**
 * The per-target lock (src/adapters/lock/tableLease.ts) lives in a table of the app's storage account. The
 * deployed identity holds table data rights on named tables only and cannot create tables, so the template must
 * create the lock table, grant the app Storage Table Data Contributor on it and tell the app its name: without
 * any one of the three, every enforce-mode event fails transiently (403/404 on the lease) until dead-lettered.
 */
import { loadSettings } from "../../../src/config";
import { readRepo } from "./files";

const storage = readRepo("infra/modules/storage.bicep");
const rbac = readRepo("infra/modules/appRbac.bicep");
const main = readRepo("infra/main.bicep");

describe("the lock table is deployed, granted and configured", () => {
  it("main.bicep's lock table parameter defaults to the app's own default", () => {
    const m = /param lockTableName string = '([^']+)'/.exec(main);
    expect(m?.[1]).toBe(loadSettings({}).lockTable);
  });

  it("storage.bicep creates it under the table service", () => {
    expect(storage).toMatch(
      /resource lockTable 'Microsoft\.Storage\/storageAccounts\/tableServices\/tables@[^']+' = \{\s*parent: tableServices\s*name: lockTableName/,
    );
    expect(storage).toMatch(/output lockTableName string = lockTable\.name/);
  });

  it("appRbac.bicep grants the app Storage Table Data Contributor on that table only", () => {
    expect(rbac).toMatch(
      /resource lockTable 'Microsoft\.Storage\/storageAccounts\/tableServices\/tables@[^']+' existing = \{\s*parent: tableServices\s*name: lockTableName/,
    );
    expect(rbac).toMatch(
      /scope: lockTable\s*name: guid\(lockTable\.id, principalId, roles\.storageTableDataContributor\)/,
    );
  });

  it("main.bicep passes the table to the RBAC module and LINKGATE_LOCK_TABLE to the app", () => {
    expect(main).toMatch(/lockTableName: storage\.outputs\.lockTableName/);
    expect(main).toMatch(/LINKGATE_LOCK_TABLE: lockTableName/);
  });
});

import { at, declarations, isExpr, loadAllBicep, variables, type BicepFile, type Declaration } from "./bicep";
import { expectedRoleActions, managedTargetTypes } from "./derive";
import { readJson } from "./files";

/**
 * api-versions infra/ may use: stable versions reviewed for the properties set here. A new version is a
 * deliberate change (update this list in the same commit).
 */
const ALLOWED_API_VERSIONS: Readonly<Record<string, string>> = {
  "Microsoft.Resources/resourceGroups": "2024-03-01",
  "Microsoft.ManagedIdentity/userAssignedIdentities": "2023-01-31",
  "Microsoft.Storage/storageAccounts": "2023-05-01",
  "Microsoft.Storage/storageAccounts/blobServices": "2023-05-01",
  "Microsoft.Storage/storageAccounts/blobServices/containers": "2023-05-01",
  "Microsoft.Storage/storageAccounts/tableServices": "2023-05-01",
  "Microsoft.Storage/storageAccounts/tableServices/tables": "2023-05-01",
  "Microsoft.Storage/storageAccounts/queueServices": "2023-05-01",
  "Microsoft.Storage/storageAccounts/queueServices/queues": "2023-05-01",
  "Microsoft.OperationalInsights/workspaces": "2023-09-01",
  "Microsoft.Insights/components": "2020-02-02",
  "Microsoft.Insights/actionGroups": "2023-01-01",
  "Microsoft.Insights/scheduledQueryRules": "2023-12-01",
  "Microsoft.Insights/workbooks": "2023-06-01",
  "Microsoft.Web/serverfarms": "2024-04-01",
  "Microsoft.Web/sites": "2024-04-01",
  "Microsoft.Web/sites/basicPublishingCredentialsPolicies": "2024-04-01",
  "Microsoft.Authorization/roleDefinitions": "2022-04-01",
  "Microsoft.Authorization/roleAssignments": "2022-04-01",
  "Microsoft.EventGrid/systemTopics": "2022-06-15",
  "Microsoft.EventGrid/systemTopics/eventSubscriptions": "2022-06-15",
};

/** Roles that must never be assigned: Owner, Contributor, User Access Administrator, RBAC Administrator. */
const FORBIDDEN_ROLE_IDS = [
  "8e3af657-a8ff-443c-a75c-2fe8c4bc635d",
  "b24988ac-6180-42a0-ab88-20f7382dd24c",
  "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
  "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
];

let files: BicepFile[];
let all: Declaration[];
const roles = readJson<Record<string, string>>("infra/roles.json");

beforeAll(async () => {
  files = await loadAllBicep();
  all = files.flatMap(declarations);
});

const resources = (type: string, opts: { existing?: boolean } = {}): Declaration[] =>
  all.filter(
    (d) =>
      d.kind === "resource" && d.target.split("@")[0] === type && (opts.existing ?? false) === d.existing,
  );
const where = (d: Declaration): string => `${d.file}:${d.line} ${d.symbol}`;

describe("api-versions", () => {
  it("every resource uses its allow-listed stable api-version", () => {
    const bad = all
      .filter((d) => d.kind === "resource")
      .filter((d) => {
        const [type, version] = d.target.split("@");
        return !type || !version || ALLOWED_API_VERSIONS[type] !== version;
      })
      .map(
        (d) =>
          `${where(d)}: '${d.target}' (allowed: ${ALLOWED_API_VERSIONS[d.target.split("@")[0] ?? ""] ?? "none"})`,
      );
    expect(bad).toEqual([]);
    expect(all.filter((d) => d.target.includes("-preview"))).toEqual([]);
  });
});

describe("no shared keys, no local auth", () => {
  it("never reads or passes keys, SAS tokens or key-based connection strings", () => {
    const offenders = files.filter((f) =>
      /listKeys|listAccountSas|listServiceSas|AccountKey=|SharedAccessSignature|InstrumentationKey=|primaryKey|connectionStrings/i.test(
        f.text,
      ),
    );
    expect(offenders.map((f) => f.file)).toEqual([]);
  });

  it("storage accounts disable shared-key access and public blob access", () => {
    const accounts = resources("Microsoft.Storage/storageAccounts");
    expect(accounts.length).toBeGreaterThan(0);
    for (const a of accounts) {
      expect({ at: where(a), sharedKey: at(a.body, "properties.allowSharedKeyAccess") }).toEqual({
        at: where(a),
        sharedKey: false,
      });
      expect(at(a.body, "properties.allowBlobPublicAccess")).toBe(false);
      expect(at(a.body, "properties.minimumTlsVersion")).toBe("TLS1_2");
    }
  });

  it("Application Insights and Log Analytics disable local authentication", () => {
    const components = resources("Microsoft.Insights/components");
    const workspaces = resources("Microsoft.OperationalInsights/workspaces");
    expect(components.length).toBe(1);
    expect(workspaces.length).toBe(1);
    for (const c of components) expect(at(c.body, "properties.DisableLocalAuth")).toBe(true);
    for (const w of workspaces) expect(at(w.body, "properties.features.disableLocalAuth")).toBe(true);
  });

  it("the function app is Flex Consumption on Node 22 with a user-assigned identity everywhere", () => {
    const [plan] = resources("Microsoft.Web/serverfarms");
    expect(at(plan?.body, "sku")).toEqual({ tier: "FlexConsumption", name: "FC1" });
    const [site] = resources("Microsoft.Web/sites");
    if (!site) throw new Error("no Microsoft.Web/sites resource in infra/");
    expect(at(site.body, "properties.functionAppConfig.runtime")).toEqual({ name: "node", version: "22" });
    expect(at(site.body, "identity.type")).toBe("UserAssigned");
    expect(at(site.body, "properties.httpsOnly")).toBe(true);
    expect(at(site.body, "properties.functionAppConfig.deployment.storage.authentication.type")).toBe(
      "UserAssignedIdentity",
    );
    for (const p of resources("Microsoft.Web/sites/basicPublishingCredentialsPolicies")) {
      expect(at(p.body, "properties.allow")).toBe(false);
    }

    const fn = files.find((f) => f.file.endsWith("functionApp.bicep"));
    if (!fn) throw new Error("infra/modules/functionApp.bicep missing");
    const host = variables(fn).get("hostSettings");
    expect(at(host, "AzureWebJobsStorage__credential")).toBe("managedidentity");
    expect(isExpr(at(host, "AzureWebJobsStorage__accountName"))).toBe(true);
    expect(isExpr(at(host, "AzureWebJobsStorage__clientId"))).toBe(true);
    expect(at(host, "AzureWebJobsStorage")).toBeUndefined();
    expect(JSON.stringify(at(host, "APPLICATIONINSIGHTS_AUTHENTICATION_STRING"))).toMatch(
      /ClientId=\$\{identityClientId\};Authorization=AAD/,
    );
  });
});

describe("least privilege", () => {
  const assignments = (): Declaration[] => resources("Microsoft.Authorization/roleAssignments");

  it("assigns no Owner, Contributor or access-administration role anywhere", () => {
    for (const f of files)
      for (const id of FORBIDDEN_ROLE_IDS)
        expect({ f: f.file, has: f.text.includes(id) }).toEqual({ f: f.file, has: false });
    for (const id of Object.values(roles)) expect(FORBIDDEN_ROLE_IDS).not.toContain(id);
    expect(
      files.filter((f) => /'(Owner|Contributor|User Access Administrator)'/.test(f.text)).map((f) => f.file),
    ).toEqual([]);
  });

  it("every role assignment names a role from infra/roles.json or the linkgate custom role", () => {
    const bad: string[] = [];
    for (const a of assignments()) {
      const ref = JSON.stringify(at(a.body, "properties.roleDefinitionId"));
      const ok = /roles\.(\w+)\)/.exec(ref);
      if (ok?.[1] && roles[ok[1]]) continue;
      if (ref.includes("customRoleName")) continue;
      bad.push(`${where(a)}: ${ref}`);
    }
    expect(bad).toEqual([]);
    expect(assignments().length).toBeGreaterThanOrEqual(7);
  });

  it("on monitored subscriptions: the custom role, Reader (Resource Graph) and Monitoring Reader (metrics) only", () => {
    const sub = assignments().filter((a) => a.file.endsWith("monitoredSubscription.bicep"));
    const granted = sub.map((a) => JSON.stringify(at(a.body, "properties.roleDefinitionId")));
    expect(granted).toEqual([
      expect.stringContaining("customRoleName"),
      expect.stringContaining("roles.reader"),
      expect.stringContaining("roles.monitoringReader"),
    ]);
  });

  it("the app identity may publish metrics to App Insights (Monitoring Metrics Publisher)", () => {
    const rbac = assignments().filter((a) => a.file.endsWith("appRbac.bicep"));
    const publisher = rbac.find((a) =>
      JSON.stringify(at(a.body, "properties.roleDefinitionId")).includes("roles.monitoringMetricsPublisher"),
    );
    expect(publisher && at(publisher.body, "scope")).toEqual({ expr: "appInsights" });
  });

  it("the custom role grants exactly the generated actions, with no wildcard, data action or NotAction", () => {
    const [role] = resources("Microsoft.Authorization/roleDefinitions");
    if (!role) throw new Error("no custom role definition in infra/");
    const roleFile = files.find((f) => f.file === role.file);
    expect(roleFile && JSON.stringify(variables(roleFile).get("roleActions"))).toContain(
      "loadJsonContent('../role-actions.json')",
    );
    const [permission] = at(role.body, "properties.permissions") as unknown[];
    expect(permission).toEqual({
      actions: { expr: "roleActions.actions" },
      notActions: [],
      dataActions: [],
      notDataActions: [],
    });

    const { actions } = readJson<{ actions: string[] }>("infra/role-actions.json");
    expect(actions).toEqual(expectedRoleActions().actions);
    const managed = new Set(managedTargetTypes());
    const bad = actions.filter((a) => {
      if (a.includes("*")) return true;
      if (a.endsWith("/read")) return false;
      const write =
        /^(.+)\/privateendpointconnections\/write$/.exec(a) ??
        /^(.+)\/privateendpointconnectionsapproval\/action$/.exec(a);
      return !write?.[1] || !managed.has(write[1]);
    });
    expect(bad).toEqual([]);
  });
});

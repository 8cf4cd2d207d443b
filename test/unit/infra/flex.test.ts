/**
 * What the first `azd up` would trip over although the templates parse (issue 14): Bicep's for-expression
 * positions, the siteConfig properties Flex Consumption accepts, the Flex scale limits, and subscription-scope
 * deployment names. Each check runs on the repo (must pass) and on the repo with the mistake put back (must fail).
 */
import { at, declarations, loadAllBicep, parseBicep, type BicepFile, type BicepValue } from "./bicep";
import {
  expandVariables,
  forExpressionViolations,
  moduleDeployments,
  paramDecls,
  targetScope,
} from "./rules";

let files: BicepFile[];
const find = (name: string): BicepFile => {
  const f = files.find((x) => x.file === name);
  if (!f) throw new Error(`${name} missing`);
  return f;
};

beforeAll(async () => {
  files = await loadAllBicep();
});

/** The repo file with one text replacement applied (the replacement must apply), re-parsed. */
async function mutated(name: string, from: string | RegExp, to: string): Promise<BicepFile> {
  const original = find(name);
  const text = original.text.replace(from, to);
  if (text === original.text) throw new Error(`${name}: the mutation ${String(from)} did not apply`);
  return parseBicep(name, text);
}

describe("for-expressions only where Bicep allows them (BCP138)", () => {
  it("no file has a for-expression outside a declaration value or a plain property loop", () => {
    expect(files.flatMap(forExpressionViolations)).toEqual([]);
  });

  it("rejects main.bicep's former join([for ...]) outputs", async () => {
    const broken = await mutated(
      "infra/main.bicep",
      /join\(map\(monitoredSubscriptions, m => m\.outputs\.subscriptionTopicId\), ','\)/,
      "join([for (subscriptionId, i) in monitored: monitoredSubscriptions[i].outputs.subscriptionTopicId], ',')",
    );
    expect(forExpressionViolations(broken)).toEqual([
      expect.stringMatching(/^infra\/main\.bicep:\d+:\d+ for-expression inside output_declaration/),
    ]);
  });

  it.each([
    ["top-level values", "var a = [for x in y: x]\noutput o array = [for x in y: x]\n", 0],
    [
      "a property loop in a resource, through objects, arrays and the resource's own condition",
      "resource r 'A/b@1' = if (c) {\n  name: 'n'\n  properties: {\n    list: [\n      {\n        inner: [for x in y: x]\n      }\n    ]\n  }\n}\n",
      0,
    ],
    [
      "a property loop in a looped module",
      "module m 'x.bicep' = [for s in subs: {\n  name: s\n  params: {\n    items: [for i in s.items: i]\n  }\n}]\n",
      0,
    ],
    ["a loop inside a function call in an output", "output o string = join([for x in y: x], ',')\n", 1],
    ["a loop in a ternary", "output o array = c ? [for x in y: x] : []\n", 1],
    ["a loop as a parameter default", "param p array = [for x in y: x]\n", 1],
    ["a loop nested in a variable's loop", "var v = [for x in y: [for z in x: z]]\n", 1],
    [
      "a loop as an array item in a resource",
      "resource r 'A/b@1' = {\n  name: 'n'\n  p: [\n    [for x in y: x]\n  ]\n}\n",
      1,
    ],
    [
      "a property loop under a function call in a resource",
      "resource r 'A/b@1' = {\n  name: 'n'\n  p: union({ a: [for x in y: x] }, {})\n}\n",
      1,
    ],
    [
      "a property loop nested in another property loop",
      "resource r 'A/b@1' = {\n  name: 'n'\n  p: [for x in y: {\n    q: [for z in x: z]\n  }]\n}\n",
      1,
    ],
    [
      "a property loop under an interpolated key",
      "resource r 'A/b@1' = {\n  name: 'n'\n  '${k}': [for x in y: x]\n}\n",
      1,
    ],
  ])("%s: %i violation(s)", async (_label, source, count) => {
    const file = await parseBicep("case.bicep", source);
    expect(file.problems).toEqual([]);
    expect(forExpressionViolations(file)).toHaveLength(count);
  });
});

/**
 * siteConfig properties a Flex Consumption (FC1) site accepts. Flex keeps runtime, scale and deployment in
 * `functionAppConfig`, and newer regions answer 400 "The following site configuration property
 * (Site.SiteConfig.X) for Flex Consumption sites is invalid" (ARM extended code 51021) for properties that belong
 * to the other plans. Observed in refusals: FtpsState, Use32BitWorkerProcess, NetFrameworkVersion,
 * FunctionsRuntimeScaleMonitoringEnabled, PreWarmedInstanceCount (Azure/azure-cli#31414,
 * microsoft/azure-pipelines-tasks#21032, Azure/terraform-azurerm-avm-res-web-site#360), LinuxFxVersion (same
 * module, #283), FunctionAppScaleLimit (Azure/azure-functions-host#10643). Allowed here: only what Microsoft's own
 * Flex templates set (Azure-Samples/azure-functions-flex-consumption-samples IaC/bicep/core/host/function.bicep:
 * appSettings; the Flex quickstart templates: minTlsVersion, per the AVM web-site module's #353). Anything else
 * must first be shown to be accepted by a Flex site, then added here with its source.
 */
const FLEX_SITE_CONFIG_ALLOWED = ["appSettings", "minTlsVersion"];

function siteConfigViolations(file: BicepFile): string[] {
  return declarations(file)
    .filter((d) => d.target.startsWith("Microsoft.Web/sites@"))
    .flatMap((d) => {
      const siteConfig = at(d.body, "properties.siteConfig");
      if (siteConfig === undefined) return [];
      if (
        typeof siteConfig !== "object" ||
        siteConfig === null ||
        Array.isArray(siteConfig) ||
        "expr" in siteConfig
      ) {
        return [
          `${d.file}:${d.line} ${d.symbol}.properties.siteConfig is computed; write it as an object literal`,
        ];
      }
      return Object.keys(siteConfig)
        .filter((k) => !FLEX_SITE_CONFIG_ALLOWED.includes(k))
        .map(
          (k) =>
            `${d.file}:${d.line} ${d.symbol}.properties.siteConfig.${k} is not accepted by Flex Consumption`,
        );
    });
}

describe("Flex Consumption site configuration", () => {
  it("the function app sets only siteConfig properties Flex Consumption accepts", () => {
    const sites = files.flatMap(declarations).filter((d) => d.target.startsWith("Microsoft.Web/sites@"));
    expect(sites.length).toBe(1);
    expect(files.flatMap(siteConfigViolations)).toEqual([]);
  });

  it.each([
    "ftpsState: 'Disabled'",
    "http20Enabled: true",
    "use32BitWorkerProcess: false",
    "linuxFxVersion: 'Node|22'",
  ])("rejects %s put back into siteConfig", async (line) => {
    const broken = await mutated(
      "infra/modules/functionApp.bicep",
      "minTlsVersion: '1.2'",
      `minTlsVersion: '1.2'\n      ${line}`,
    );
    expect(siteConfigViolations(broken)).toEqual([
      expect.stringContaining(`siteConfig.${line.split(":")[0]} is not accepted by Flex Consumption`),
    ]);
  });

  it("keeps FTP and SCM basic authentication off through the publishing credential policies instead", () => {
    const policies = declarations(find("infra/modules/functionApp.bicep")).filter((d) =>
      d.target.startsWith("Microsoft.Web/sites/basicPublishingCredentialsPolicies@"),
    );
    expect(policies.map((p) => [p.body["name"], at(p.body, "properties.allow")]).sort()).toEqual([
      ["ftp", false],
      ["scm", false],
    ]);
  });

  it("turns on source maps for the bundled package", () => {
    expect(find("infra/modules/functionApp.bicep").text).toMatch(
      /^\s+NODE_OPTIONS: '--enable-source-maps'$/m,
    );
  });
});

/**
 * Flex Consumption limits, from Microsoft Learn:
 * - maximum instance count: "The lowest maximum scale is currently 40. The highest currently supported value is
 *   1000." (azure-functions/flex-consumption-plan#considerations, corrected by MicrosoftDocs/azure-docs#128255;
 *   also azure-functions/event-driven-scaling#flex-consumption-plan). Values below 40 are a preview in a few
 *   regions only (Azure/azure-functions-host#10523).
 * - instance memory: the plan page lists 512, 2048 and 4096 MB, but Microsoft.Web/sites@2024-04-01 refuses 512
 *   ("only 2048 and 4096 are allowed", Azure/azure-rest-api-specs#40898) and Microsoft's Flex Bicep sample allows
 *   [2048, 4096]: only values both accept are allowed here.
 */
const FLEX_LIMITS: Record<string, { min?: number; max?: number; allowed?: number[] }> = {
  maximumInstanceCount: { min: 40, max: 1000 },
  instanceMemoryMB: { allowed: [2048, 4096] },
};

function limitViolations(file: BicepFile): string[] {
  const out: string[] = [];
  for (const p of paramDecls(file)) {
    const limit = FLEX_LIMITS[p.name];
    if (!limit) continue;
    const num = (name: string): number | undefined => {
      const arg = p.decorators.get(name)?.[0];
      return arg ? Number(arg.text) : undefined;
    };
    const line = `${file.file}:${p.node.startPosition.row + 1} param ${p.name}`;
    if (limit.min !== undefined && num("minValue") !== limit.min) {
      out.push(`${line}: @minValue must be ${limit.min} (found ${num("minValue") ?? "none"})`);
    }
    if (limit.max !== undefined && num("maxValue") !== limit.max) {
      out.push(`${line}: @maxValue must be ${limit.max} (found ${num("maxValue") ?? "none"})`);
    }
    if (limit.allowed) {
      const list = p.decorators.get("allowed")?.[0];
      const values = list ? list.namedChildren.map((c) => Number(c?.text)) : [];
      if (JSON.stringify(values) !== JSON.stringify(limit.allowed)) {
        out.push(`${line}: @allowed must be [${limit.allowed.join(", ")}] (found [${values.join(", ")}])`);
      }
    }
    if (p.defaultValue !== undefined) {
      const d = Number(p.defaultValue);
      const ok =
        (limit.min === undefined || d >= limit.min) &&
        (limit.max === undefined || d <= limit.max) &&
        (!limit.allowed || limit.allowed.includes(d));
      if (!ok) out.push(`${line}: default ${p.defaultValue} is outside the documented limits`);
    }
  }
  return out;
}

describe("Flex Consumption scale limits", () => {
  it("every Flex parameter is constrained to the documented limits, in main.bicep and the module", () => {
    const declaring = files
      .filter((f) => paramDecls(f).some((p) => p.name in FLEX_LIMITS))
      .map((f) => f.file);
    expect(declaring).toEqual(
      expect.arrayContaining(["infra/main.bicep", "infra/modules/functionApp.bicep"]),
    );
    expect(files.flatMap(limitViolations)).toEqual([]);
  });

  it("the decorated parameters are what reaches functionAppConfig.scaleAndConcurrency", () => {
    const app = declarations(find("infra/modules/functionApp.bicep")).find((d) =>
      d.target.startsWith("Microsoft.Web/sites@"),
    );
    const scale = at(app?.body, "properties.functionAppConfig.scaleAndConcurrency");
    expect(scale).toEqual({
      maximumInstanceCount: { expr: "maximumInstanceCount" },
      instanceMemoryMB: { expr: "instanceMemoryMB" },
    });
    const module = declarations(find("infra/main.bicep")).find(
      (d) => d.target === "modules/functionApp.bicep",
    );
    expect(at(module?.body, "params.maximumInstanceCount")).toEqual({ expr: "maximumInstanceCount" });
  });

  it.each([
    ["infra/main.bicep", "@minValue(40)", "@minValue(1)", /@minValue must be 40 \(found 1\)/],
    ["infra/modules/functionApp.bicep", "@maxValue(1000)", "@maxValue(2000)", /@maxValue must be 1000/],
    [
      "infra/modules/functionApp.bicep",
      "@allowed([2048, 4096])",
      "@allowed([512, 2048, 4096])",
      /@allowed must be/,
    ],
    ["infra/modules/functionApp.bicep", "@minValue(40)\n", "", /@minValue must be 40 \(found none\)/],
  ])("%s: rejects %s changed to %s", async (name, from, to, message) => {
    const broken = await mutated(name, from, to);
    expect(limitViolations(broken)).toEqual([expect.stringMatching(message)]);
  });
});

/** Text of a name expression references `identifier` as a whole word (not as part of another name). */
const mentions = (expr: string, identifier: string): boolean => new RegExp(`\\b${identifier}\\b`).test(expr);

function deploymentNameViolations(file: BicepFile): string[] {
  if (targetScope(file) !== "subscription") return [];
  return moduleDeployments(file)
    .filter((m) => m.scope === undefined || /^subscription\(/.test(m.scope))
    .filter((m) => {
      const expanded = expandVariables(file, m.name);
      return !mentions(expanded, "environmentName") || !mentions(expanded, "location");
    })
    .map(
      (m) =>
        `${m.file}:${m.line} module ${m.symbol} deploys at subscription scope as ${m.name || "(no name)"}: ` +
        "its name must include environmentName and depend on location (InvalidDeploymentLocation otherwise)",
    );
}

describe("deployment names at subscription scope", () => {
  it("every subscription-scope module deployment is named per environment and location", () => {
    const subscriptionScoped = files
      .filter((f) => targetScope(f) === "subscription")
      .flatMap(moduleDeployments)
      .filter((m) => m.scope === undefined || /^subscription\(/.test(m.scope));
    expect(subscriptionScoped.map((m) => m.symbol).sort()).toEqual(["customRole", "monitoredSubscriptions"]);
    expect(files.flatMap(deploymentNameViolations)).toEqual([]);
  });

  it("rejects the fixed name 'linkgate-role'", async () => {
    const broken = await mutated(
      "infra/main.bicep",
      /name: 'linkgate-role-\$\{subscriptionDeploymentSuffix\}'/,
      "name: 'linkgate-role'",
    );
    expect(deploymentNameViolations(broken)).toEqual([
      expect.stringMatching(/module customRole deploys at subscription scope/),
    ]);
  });

  it("rejects a per-subscription name without the location", async () => {
    const broken = await mutated(
      "infra/main.bicep",
      "uniqueString(subscriptionId, environmentName, location)",
      "uniqueString(subscriptionId, environmentName)",
    );
    expect(deploymentNameViolations(broken)).toEqual([
      expect.stringMatching(/module monitoredSubscriptions deploys at subscription scope/),
    ]);
  });

  it("keeps every deployment name within ARM's 64 characters for the longest environment name", () => {
    const env = "e".repeat(40);
    // take(environmentName, 24) + uniqueString (13 characters) in each subscription-scope name.
    const longest = [
      `linkgate-role-${env.slice(0, 24)}-${"u".repeat(13)}`,
      `linkgate-sub-${env.slice(0, 24)}-${"u".repeat(13)}`,
    ];
    for (const name of longest) expect(name.length).toBeLessThanOrEqual(64);
    const value: BicepValue | undefined = declarations(find("infra/main.bicep")).find(
      (d) => d.symbol === "customRole",
    )?.body["name"];
    expect(value).toEqual({ expr: "'linkgate-role-${subscriptionDeploymentSuffix}'" });
    expect(find("infra/main.bicep").text).toContain(
      "var subscriptionDeploymentSuffix = '${take(environmentName, 24)}-${uniqueString(environmentName, location)}'",
    );
  });
});

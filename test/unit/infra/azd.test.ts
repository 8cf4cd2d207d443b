import { statSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { at, declarations, loadAllBicep, parameters, REPO, type BicepFile } from "./bicep";
import { readJson, readRepo } from "./files";

let main: BicepFile;
let events: BicepFile;
let functionApp: BicepFile;

beforeAll(async () => {
  const files = await loadAllBicep();
  const find = (name: string): BicepFile => {
    const f = files.find((x) => x.file === name);
    if (!f) throw new Error(`${name} missing`);
    return f;
  };
  main = find("infra/main.bicep");
  events = find("infra/events.bicep");
  functionApp = find("infra/modules/functionApp.bicep");
});

/** Outputs a Bicep file declares (azd stores main.bicep's in the environment). */
const outputs = (f: BicepFile): string[] => [...f.text.matchAll(/^output (\w+) /gm)].map((m) => m[1] ?? "");

/** Variables azd itself sets in every environment. */
const AZD_BUILTINS = ["AZURE_ENV_NAME", "AZURE_LOCATION", "AZURE_SUBSCRIPTION_ID"];

describe("azure.yaml", () => {
  const config = parse(readRepo("azure.yaml")) as Record<string, unknown>;

  it("declares the api service as a TypeScript function app built locally into the slim package", () => {
    expect(config["name"]).toBe("linkgate");
    const api = at(config as never, "services.api") as Record<string, unknown>;
    expect({ ...api, hooks: undefined }).toEqual({
      project: ".",
      language: "ts",
      host: "function",
      dist: ".azure-package",
      remoteBuild: false,
      hooks: undefined,
    });
    expect(at(config as never, "infra")).toEqual({ provider: "bicep", path: "infra", module: "main" });
  });

  it("builds the package with `npm run package` before azd zips dist, on every platform", () => {
    const hook = at(config as never, "services.api.hooks.prepackage") as Record<
      string,
      Record<string, unknown>
    >;
    expect(Object.keys(hook).sort()).toEqual(["posix", "windows"]);
    for (const platform of Object.values(hook)) {
      expect(platform["run"]).toBe("npm run package");
      expect(platform["continueOnError"]).toBe(false);
    }
    const scripts = readJson<{ scripts: Record<string, string> }>("package.json").scripts;
    expect(scripts["package"]).toMatch(/^node scripts\/package\.mjs\b/);
    // Where the package script writes by default is where azd looks for it.
    expect(readRepo("scripts/package.mjs")).toContain(
      `"${at(config as never, "services.api.dist") as string}"`,
    );
    expect(readRepo(".gitignore").split("\n")).toContain(".azure-package/");
  });

  it("requires the azd version that honours remoteBuild, and docs/deploy.md states the same", () => {
    const required = at(config as never, "requiredVersions.azd");
    expect(required).toBe(">= 1.23.5");
    expect(readRepo("docs/deploy.md")).toContain("**Azure Developer CLI** (`azd`) 1.23.5 or later");
  });

  it("keeps .funcignore compatible with a local build (no node_modules) and the bundle whole (no .map)", () => {
    const lines = readRepo(".funcignore")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    expect(
      lines.filter((l) => /node_modules|\.map|^\*\.js|host\.json|package\.json|^examples$|^policy/.test(l)),
    ).toEqual([]);
  });

  it("checks resource providers in a preprovision hook on every platform, failing loudly", () => {
    const hook = at(config as never, "hooks.preprovision") as Record<string, Record<string, unknown>>;
    expect(Object.keys(hook).sort()).toEqual(["posix", "windows"]);
    for (const platform of Object.values(hook)) {
      expect(platform["continueOnError"]).toBe(false);
      const script = String(platform["run"]).replace(/^\.\//, "");
      expect(statSync(join(REPO, script)).isFile()).toBe(true);
    }
    expect(statSync(join(REPO, "infra/scripts/preprovision.sh")).mode & 0o111).not.toBe(0);
  });

  it("runs the Event Grid stage as a postdeploy hook on every platform, failing loudly", () => {
    const hook = at(config as never, "hooks.postdeploy") as Record<string, Record<string, unknown>>;
    expect(Object.keys(hook).sort()).toEqual(["posix", "windows"]);
    for (const platform of Object.values(hook)) {
      expect(platform["continueOnError"]).toBe(false);
      const script = String(platform["run"]).replace(/^\.\//, "");
      expect(statSync(join(REPO, script)).isFile()).toBe(true);
    }
    expect(statSync(join(REPO, "infra/scripts/postdeploy.sh")).mode & 0o111).not.toBe(0);
  });
});

describe("main.parameters.json", () => {
  const file = readJson<{ parameters: Record<string, { value: unknown }> }>("infra/main.parameters.json");

  it("binds every parameter main.bicep requires, and nothing main.bicep does not declare", () => {
    const declared = parameters(main);
    const bound = Object.keys(file.parameters);
    expect(bound.filter((b) => !declared.some((d) => d.name === b))).toEqual([]);
    expect(declared.filter((d) => !d.hasDefault && !bound.includes(d.name)).map((d) => d.name)).toEqual([]);
  });

  it("takes every value from an azd environment variable", () => {
    for (const [name, { value }] of Object.entries(file.parameters)) {
      expect({ name, value }).toEqual({ name, value: expect.stringMatching(/^\$\{[A-Z0-9_]+(=[^}]*)?\}$/) });
    }
    expect(file.parameters["environmentName"]?.value).toBe("${AZURE_ENV_NAME}");
    expect(file.parameters["location"]?.value).toBe("${AZURE_LOCATION}");
  });
});

describe("postdeploy hook and infra/events.bicep", () => {
  const scripts = ["infra/scripts/postdeploy.sh", "infra/scripts/postdeploy.ps1"].map(
    (p) => [p, readRepo(p)] as const,
  );

  it("passes every parameter events.bicep requires", () => {
    const required = parameters(events)
      .filter((p) => !p.hasDefault)
      .map((p) => p.name);
    expect(required.length).toBeGreaterThan(0);
    for (const [path, text] of scripts) {
      for (const p of required)
        expect({ path, p, passed: new RegExp(`${p}=`).test(text) }).toEqual({ path, p, passed: true });
      expect(text).toContain("--template-file infra/events.bicep");
    }
  });

  it("reads only variables that azd sets or main.bicep outputs", () => {
    const known = new Set([...AZD_BUILTINS, ...outputs(main), "LINKGATE_FUNCTION_WAIT_SECONDS"]);
    for (const [path, text] of scripts) {
      const used = new Set([
        ...[...text.matchAll(/\$\{?(AZURE_[A-Z_]+|LINKGATE_[A-Z_]+)/g)].map((m) => m[1] ?? ""),
        ...[...text.matchAll(/\$env:(AZURE_[A-Z_]+|LINKGATE_[A-Z_]+)/g)].map((m) => m[1] ?? ""),
        ...[...text.matchAll(/'(AZURE_[A-Z_]+|LINKGATE_[A-Z_]+)'/g)].map((m) => m[1] ?? ""),
      ]);
      expect({ path, unknown: [...used].filter((v) => !known.has(v)) }).toEqual({ path, unknown: [] });
    }
  });

  it("names the subscription-scope events deployment per environment and location (InvalidDeploymentLocation)", () => {
    const names = scripts.map(([path, text]) => ({
      path,
      name: /^(deployment_name=|\$deploymentName = )(.*)$/m.exec(text)?.[2] ?? "",
    }));
    for (const { path, name } of names) {
      expect({ path, env: /AZURE_ENV_NAME/.test(name), location: /AZURE_LOCATION/.test(name) }).toEqual({
        path,
        env: true,
        location: true,
      });
    }
    for (const [, text] of scripts) expect(text).toMatch(/--name "?\$(deployment_name|deploymentName)"?/);
  });

  it("waits for the function before creating subscriptions that point at it", () => {
    for (const [, text] of scripts) {
      expect(text.indexOf("/functions?api-version=")).toBeGreaterThan(-1);
      expect(text.indexOf("/functions?api-version=")).toBeLessThan(text.indexOf("az deployment sub create"));
    }
  });
});

describe("app settings", () => {
  it("every LINKGATE_* setting the app gets is a documented setting (local.settings.json.example)", () => {
    const example = readJson<{ Values: Record<string, string> }>("local.settings.json.example").Values;
    const module = declarations(main).find((d) => d.target === "modules/functionApp.bicep");
    const linkgate = Object.keys((at(module?.body, "params.linkgateSettings") ?? {}) as object);
    const host = [...functionApp.text.matchAll(/^\s+(LINKGATE_\w+):/gm)].map((m) => m[1] ?? "");
    const all = [...linkgate, ...host];
    expect(all.length).toBeGreaterThanOrEqual(6);
    expect(all.filter((s) => !(s in example))).toEqual([]);
  });

  it("points LINKGATE_POLICY_FILE at a file that ships in the package", () => {
    const policy = parameters(main).find((p) => p.name === "policyFile");
    expect(policy?.hasDefault).toBe(true);
    const dflt = /param policyFile string = '([^']+)'/.exec(main.text)?.[1] ?? "";
    expect(statSync(join(REPO, dflt)).isFile()).toBe(true);
    const ignored = readRepo(".funcignore")
      .split("\n")
      .map((l) => l.trim());
    expect(ignored).not.toContain(dflt.split("/")[0]);
  });
});

/**
 * Resource providers (issue 14 item 4): the preprovision hooks and docs/deploy.md list exactly the namespaces the
 * templates deploy, plus Microsoft.App (Flex Consumption needs it although no template resource names it), and the
 * POSIX hook really reports an unregistered provider with the command that fixes it.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { declarations, loadAllBicep, REPO, type BicepFile } from "./bicep";
import { readRepo } from "./files";

let files: BicepFile[];

beforeAll(async () => {
  files = await loadAllBicep();
});

/** Providers that no template resource names but the platform needs. */
const IMPLICIT = ["Microsoft.App"];

/** Namespaces of every resource type and every system-topic source type declared in `names` and their modules. */
function namespaces(names: string[]): { all: string[]; optional: string[] } {
  const seen = new Set<string>();
  const all = new Set<string>();
  const optional = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const file = files.find((f) => f.file === name);
    if (!file) throw new Error(`${name} is not a parsed .bicep file`);
    for (const d of declarations(file)) {
      if (d.kind === "module") visit(join(dirname(d.file), d.target));
      else all.add(d.target.split("/")[0] ?? "");
    }
    // Event Grid system topics read from another provider (topicType 'Namespace.Type').
    for (const m of file.text.matchAll(/topicType: '([A-Za-z]+\.[A-Za-z]+)\.[A-Za-z]+'/g)) {
      const ns = m[1] ?? "";
      if (ns === "Microsoft.ResourceNotifications") optional.add(ns);
      else all.add(ns);
    }
  };
  names.forEach(visit);
  return { all: [...all].sort(), optional: [...optional].sort() };
}

function shList(text: string, name: string): string[] {
  const m = new RegExp(`^${name}="([^"]*)"$`, "m").exec(text);
  return (m?.[1] ?? "").split(/\s+/).filter(Boolean).sort();
}

function psList(text: string, name: string): string[] {
  const m = new RegExp(`^\\$${name} = (.*)$`, "m").exec(text);
  return [...(m?.[1] ?? "").matchAll(/'([^']+)'/g)].map((x) => x[1] ?? "").sort();
}

describe("resource providers", () => {
  const sh = readRepo("infra/scripts/preprovision.sh");
  const ps = readRepo("infra/scripts/preprovision.ps1");
  const doc = readRepo("docs/deploy.md");

  it("the deployment subscription list is every namespace the templates use, plus Microsoft.App", () => {
    const used = namespaces(["infra/main.bicep", "infra/events.bicep"]);
    expect(used.all).toEqual(
      expect.arrayContaining(["Microsoft.Web", "Microsoft.EventGrid", "Microsoft.Authorization"]),
    );
    const expected = [...new Set([...used.all, ...IMPLICIT])].sort();
    expect(shList(sh, "DEPLOYMENT_PROVIDERS")).toEqual(expected);
    expect(psList(ps, "DeploymentProviders")).toEqual(expected);
  });

  it("the monitored subscription list is what monitoredSubscription.bicep and the event subscriptions use", () => {
    const used = namespaces([
      "infra/modules/monitoredSubscription.bicep",
      "infra/modules/eventSubscriptions.bicep",
    ]);
    expect(shList(sh, "MONITORED_PROVIDERS")).toEqual(used.all);
    expect(psList(ps, "MonitoredProviders")).toEqual(used.all);
    expect(shList(sh, "NOTIFICATION_PROVIDERS")).toEqual(used.optional);
    expect(psList(ps, "NotificationProviders")).toEqual(used.optional);
    expect(used.optional).toEqual(["Microsoft.ResourceNotifications"]);
  });

  it("docs/deploy.md lists the same providers as the hook", () => {
    const section = /## Prerequisites([\s\S]*?)\n## /.exec(doc)?.[1] ?? "";
    const line = (label: string): string[] =>
      [
        ...(new RegExp(`^- ${label}:(.*)$`, "m").exec(section)?.[1] ?? "").matchAll(
          /`(Microsoft\.[A-Za-z]+)`/g,
        ),
      ]
        .map((m) => m[1] ?? "")
        .sort();
    expect(line("Deployment subscription")).toEqual(shList(sh, "DEPLOYMENT_PROVIDERS"));
    expect(line("Each monitored subscription")).toEqual(
      [...shList(sh, "MONITORED_PROVIDERS"), ...shList(sh, "NOTIFICATION_PROVIDERS")].sort(),
    );
  });

  describe("the POSIX hook against a fake az", () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "linkgate-preprovision-"));
      // Records every call; reports the namespaces in $FAKE_UNREGISTERED as NotRegistered.
      writeFileSync(
        join(dir, "az"),
        [
          "#!/bin/sh",
          'echo "$*" >> "$FAKE_AZ_LOG"',
          '[ "$1" = account ] && exit 0',
          'ns=""; prev=""',
          'for a in "$@"; do [ "$prev" = "--namespace" ] && ns="$a"; prev="$a"; done',
          'case " $FAKE_UNREGISTERED " in *" $ns "*) echo NotRegistered ;; *) echo Registered ;; esac',
          "",
        ].join("\n"),
      );
      chmodSync(join(dir, "az"), 0o755);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const run = (env: Record<string, string>) =>
      spawnSync("/bin/sh", [join(REPO, "infra/scripts/preprovision.sh")], {
        cwd: REPO,
        encoding: "utf8",
        env: {
          PATH: `${dir}:/usr/bin:/bin`,
          FAKE_AZ_LOG: join(dir, `log-${Math.random()}`),
          AZURE_SUBSCRIPTION_ID: "00000000-0000-0000-0000-00000000000d",
          ...env,
        },
      });

    it("passes when everything is registered", () => {
      const r = run({ FAKE_UNREGISTERED: "" });
      expect({ status: r.status, stdout: r.stdout }).toEqual({
        status: 0,
        stdout: expect.stringContaining("every resource provider linkgate needs is registered"),
      });
    });

    it("fails on Microsoft.App and names the command that registers it, per subscription", () => {
      const r = run({
        FAKE_UNREGISTERED: "Microsoft.App Microsoft.EventGrid",
        LINKGATE_SUBSCRIPTIONS: "11111111-1111-1111-1111-111111111111;22222222-2222-2222-2222-222222222222",
      });
      expect(r.status).toBe(1);
      const commands = r.stderr.split("\n").filter((l) => l.trim().startsWith("az provider register"));
      expect(commands.map((c) => c.trim()).sort()).toEqual([
        "az provider register --subscription 00000000-0000-0000-0000-00000000000d --namespace Microsoft.App --wait",
        "az provider register --subscription 00000000-0000-0000-0000-00000000000d --namespace Microsoft.EventGrid --wait",
        "az provider register --subscription 11111111-1111-1111-1111-111111111111 --namespace Microsoft.EventGrid --wait",
        "az provider register --subscription 22222222-2222-2222-2222-222222222222 --namespace Microsoft.EventGrid --wait",
      ]);
    });

    it("checks Microsoft.ResourceNotifications only when Resource Notifications are enabled", () => {
      const off = run({ FAKE_UNREGISTERED: "Microsoft.ResourceNotifications" });
      expect(off.status).toBe(0);
      const on = run({
        FAKE_UNREGISTERED: "Microsoft.ResourceNotifications",
        LINKGATE_ENABLE_RESOURCE_NOTIFICATIONS: "True",
      });
      expect(on.status).toBe(1);
      expect(on.stderr).toContain("--namespace Microsoft.ResourceNotifications --wait");
    });

    it("fails with a clear message when az is missing", () => {
      const r = spawnSync("/bin/sh", [join(REPO, "infra/scripts/preprovision.sh")], {
        cwd: REPO,
        encoding: "utf8",
        env: { PATH: "/nonexistent", AZURE_SUBSCRIPTION_ID: "x" },
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("the Azure CLI (az) is not installed");
    });
  });
});

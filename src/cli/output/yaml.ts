/** `--output yaml`: the JSON document (same shape and keys) as YAML, for people reading it in a terminal. */
import { stringify } from "yaml";
import { toJson } from "./json";
import type { SweepView } from "./view";

export function formatYaml(v: SweepView): string {
  return stringify(toJson(v.result, v.findings), { lineWidth: 0 });
}

/**
 * Offline Bicep reading for the infra tests: tree-sitter-bicep (its prebuilt wasm, ABI 14) on web-tree-sitter.
 * No Bicep CLI and no network. `parseBicep` reports every ERROR/MISSING node with file:line:column;
 * `declarations` turns resource/module declarations into plain values where they are literals, so tests can
 * assert on properties. Non-literal expressions are kept as `{ expr: "<source text>" }`.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { Language, Parser, type Node } from "web-tree-sitter";

export const REPO = join(__dirname, "..", "..", "..");
export const INFRA = join(REPO, "infra");

let parserPromise: Promise<Parser> | undefined;

export function bicepParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    await Parser.init();
    // Bytes, not a path: given a path, web-tree-sitter imports node:fs dynamically, which Jest's CommonJS
    // sandbox refuses.
    const language = await Language.load(
      readFileSync(require.resolve("tree-sitter-bicep/tree-sitter-bicep.wasm")),
    );
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return parserPromise;
}

export interface SyntaxProblem {
  file: string;
  line: number;
  column: number;
  kind: "ERROR" | "MISSING";
  text: string;
}

export interface BicepFile {
  file: string;
  text: string;
  root: Node;
  problems: SyntaxProblem[];
}

export async function parseBicep(file: string, text: string): Promise<BicepFile> {
  const parser = await bicepParser();
  const tree = parser.parse(text);
  if (!tree) throw new Error(`${file}: tree-sitter returned no tree`);
  const problems: SyntaxProblem[] = [];
  const walk = (node: Node): void => {
    if (node.isError || node.isMissing) {
      problems.push({
        file,
        line: node.startPosition.row + 1,
        column: node.startPosition.column + 1,
        kind: node.isMissing ? "MISSING" : "ERROR",
        text: node.isMissing ? node.type : node.text.slice(0, 80),
      });
    }
    if (node.hasError || node.isMissing) for (const child of node.children) if (child) walk(child);
  };
  walk(tree.rootNode);
  return { file, text, root: tree.rootNode, problems };
}

export function listBicepFiles(dir: string = INFRA): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listBicepFiles(path));
    else if (entry.name.endsWith(".bicep")) out.push(path);
  }
  return out.sort();
}

export async function loadAllBicep(): Promise<BicepFile[]> {
  return Promise.all(
    listBicepFiles().map((path) => parseBicep(relative(REPO, path), readFileSync(path, "utf8"))),
  );
}

export type BicepValue =
  string | number | boolean | null | BicepValue[] | { [key: string]: BicepValue } | { expr: string };

export function isExpr(v: BicepValue | undefined): v is { expr: string } {
  return (
    typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && "expr" in v
  );
}

function named(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null && c.type !== "comment");
}

/** Literal value of an expression node; anything computed stays as its source text. */
export function toValue(node: Node): BicepValue {
  switch (node.type) {
    case "object": {
      const obj: { [key: string]: BicepValue } = {};
      for (const prop of named(node)) {
        if (prop.type !== "object_property") continue;
        const [key, value] = named(prop);
        if (!key || !value) continue;
        obj[key.type === "string" ? stringText(key) : key.text] = toValue(value);
      }
      return obj;
    }
    case "array":
      return named(node).map(toValue);
    case "string":
      return named(node).some((c) => c.type === "interpolation") ? { expr: node.text } : stringText(node);
    case "number":
      return Number(node.text);
    case "boolean":
      return node.text === "true";
    case "null":
      return null;
    default:
      return { expr: node.text };
  }
}

function stringText(node: Node): string {
  return named(node)
    .map((c) => (c.type === "escape_sequence" ? JSON.parse(`"${c.text.replace(/^\\'/, "'")}"`) : c.text))
    .join("");
}

export interface Declaration {
  file: string;
  line: number;
  kind: "resource" | "module";
  symbol: string;
  /** `Namespace/type@apiVersion` for resources, the module path for modules. */
  target: string;
  existing: boolean;
  condition?: string;
  loop: boolean;
  body: { [key: string]: BicepValue };
}

export function declarations(file: BicepFile): Declaration[] {
  const out: Declaration[] = [];
  for (const node of named(file.root)) {
    if (node.type !== "resource_declaration" && node.type !== "module_declaration") continue;
    const [symbol, target, valueNode] = named(node);
    if (!symbol || !target || !valueNode) continue;
    let bodyNode: Node | undefined = valueNode;
    let condition: string | undefined;
    let loop = false;
    if (valueNode.type === "if_statement") {
      condition = named(valueNode)[0]?.text;
      bodyNode = named(valueNode).find((c) => c.type === "object");
    } else if (valueNode.type === "for_statement") {
      loop = true;
      const inner = named(valueNode).at(-1);
      if (inner?.type === "if_statement") {
        condition = named(inner)[0]?.text;
        bodyNode = named(inner).find((c) => c.type === "object");
      } else bodyNode = inner;
    }
    const body = bodyNode ? toValue(bodyNode) : {};
    out.push({
      file: file.file,
      line: node.startPosition.row + 1,
      kind: node.type === "resource_declaration" ? "resource" : "module",
      symbol: symbol.text,
      target: stringText(target),
      existing: node.children.some((c) => c?.type === "existing"),
      condition,
      loop,
      body: typeof body === "object" && body !== null && !Array.isArray(body) && !isExpr(body) ? body : {},
    });
  }
  return out;
}

/** Follows a dotted path through plain objects. */
export function at(value: BicepValue | undefined, path: string): BicepValue | undefined {
  let cur: BicepValue | undefined = value;
  for (const key of path.split(".")) {
    if (typeof cur !== "object" || cur === null || Array.isArray(cur) || isExpr(cur)) return undefined;
    cur = (cur as { [key: string]: BicepValue })[key];
  }
  return cur;
}

/** Top-level `var name = ...` declarations as values. */
export function variables(file: BicepFile): Map<string, BicepValue> {
  const vars = new Map<string, BicepValue>();
  for (const node of named(file.root)) {
    if (node.type !== "variable_declaration") continue;
    const [name, value] = named(node);
    if (name && value) vars.set(name.text, toValue(value));
  }
  return vars;
}

export interface Param {
  name: string;
  hasDefault: boolean;
  type: string;
}

export function parameters(file: BicepFile): Param[] {
  return named(file.root)
    .filter((n) => n.type === "parameter_declaration")
    .map((n) => {
      const [name, type, dflt] = named(n);
      return { name: name?.text ?? "", type: type?.text ?? "", hasDefault: dflt !== undefined };
    });
}

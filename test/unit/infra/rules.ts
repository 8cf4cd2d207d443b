/**
 * Offline checks for what the Bicep compiler or ARM would refuse, read from the tree-sitter parse (bicep.ts).
 * Each returns human-readable violations (`file:line:column what`), empty when the file is fine, so a test can
 * assert `toEqual([])` on the repo and non-empty on a deliberately broken snippet.
 */
import type { Node } from "web-tree-sitter";
import type { BicepFile } from "./bicep";

function named(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null && c.type !== "comment");
}

function where(file: BicepFile, node: Node): string {
  return `${file.file}:${node.startPosition.row + 1}:${node.startPosition.column + 1}`;
}

function walk(node: Node, visit: (n: Node) => void): void {
  visit(node);
  for (const child of named(node)) walk(child, visit);
}

const DECLARATION_VALUE_TYPES = new Set([
  "resource_declaration",
  "module_declaration",
  "variable_declaration",
  "output_declaration",
]);

/** The top-level statement (child of the file root) that contains `node`. */
function topLevel(node: Node): Node | undefined {
  let cur: Node | null = node;
  while (cur?.parent && cur.parent.parent) cur = cur.parent;
  return cur?.parent ? cur : undefined;
}

function isValueOf(parent: Node, child: Node): boolean {
  return named(parent).at(-1)?.id === child.id;
}

/**
 * Bicep's rule for for-expressions (Azure/bicep src/Bicep.Core/Emit/ForSyntaxValidatorVisitor.cs, BCP138 and
 * BCP142), restated on the tree-sitter tree:
 * - allowed as the whole value of a resource, module, variable or output declaration;
 * - inside a resource or module body, allowed as the whole value of an object property ("property loop") when
 *   every node between the declaration and the property is an object, object property or array literal (the
 *   declaration's own `if (...)` body or top-level loop body included): under a function call, operator,
 *   ternary or parentheses it is refused; and at most one property loop deep;
 * - a property whose key is an interpolated string may not hold a loop (BCP143);
 * - anywhere else (inside join(...), a ternary, a parameter default, nested in a variable's loop...) refused.
 * The checker is stricter than the compiler in one corner (for-expressions inside functions Bicep never
 * evaluates, such as nameof): refusing those is safe.
 */
export function forExpressionViolations(file: BicepFile): string[] {
  const out: string[] = [];
  walk(file.root, (node) => {
    if (node.type !== "for_statement") return;
    const parent = node.parent;
    if (!parent) return;
    if (DECLARATION_VALUE_TYPES.has(parent.type) && isValueOf(parent, node)) return;
    const reason = propertyLoopProblem(node);
    if (reason) out.push(`${where(file, node)} for-expression ${reason} (BCP138)`);
  });
  return out;
}

function propertyLoopProblem(loop: Node): string | undefined {
  const decl = topLevel(loop);
  if (!decl || (decl.type !== "resource_declaration" && decl.type !== "module_declaration")) {
    return `inside ${decl?.type ?? "the file"} that is not its whole value: only a resource, module, variable or output value may be a loop`;
  }
  const property = loop.parent;
  if (property?.type !== "object_property" || !isValueOf(property, loop)) {
    return `inside ${decl.type.replace("_declaration", "")} '${named(decl)[0]?.text}' is not the whole value of an object property`;
  }
  const key = named(property)[0];
  if (key?.type === "string" && named(key).some((c) => c.type === "interpolation")) {
    return `is the value of a property with an interpolated key (BCP143)`;
  }
  let child: Node = property;
  for (let cur = property.parent; cur && cur.id !== decl.id; child = cur, cur = cur.parent) {
    switch (cur.type) {
      case "object":
      case "object_property":
      case "array":
        continue;
      case "if_statement":
      case "for_statement": {
        // Only the declaration's own condition / loop, entered through its body.
        const atTop =
          cur.parent?.id === decl.id ||
          (cur.type === "if_statement" &&
            cur.parent?.type === "for_statement" &&
            cur.parent.parent?.id === decl.id);
        if (atTop && isValueOf(cur, child)) continue;
        if (cur.type === "for_statement" && cur.parent?.type === "object_property") {
          return "is nested in another property loop: Bicep allows one level (BCP142)";
        }
        return `is under a ${cur.type.replace("_statement", "")} that is not the declaration's own`;
      }
      default:
        return `is under ${cur.type.replace(/_/g, " ")} ('${cur.text.slice(0, 40)}'): property loops must be reached through object and array literals only`;
    }
  }
  return undefined;
}

/** The decorators (`@name(args)`) written above a top-level declaration, by name, with their argument nodes. */
export function decoratorsOf(declaration: Node): Map<string, Node[]> {
  const out = new Map<string, Node[]>();
  const prev = declaration.previousNamedSibling;
  if (prev?.type !== "decorators") return out;
  for (const decorator of named(prev)) {
    const call = named(decorator)[0];
    if (call?.type !== "call_expression") continue;
    const [fn, args] = named(call);
    if (fn) out.set(fn.text, args ? named(args) : []);
  }
  return out;
}

export interface ParamDecl {
  name: string;
  node: Node;
  type: string;
  defaultValue?: string;
  decorators: Map<string, Node[]>;
}

export function paramDecls(file: BicepFile): ParamDecl[] {
  return named(file.root)
    .filter((n) => n.type === "parameter_declaration")
    .map((n) => {
      const [name, type, dflt] = named(n);
      return {
        name: name?.text ?? "",
        node: n,
        type: type?.text ?? "",
        defaultValue: dflt?.text,
        decorators: decoratorsOf(n),
      };
    });
}

/** `targetScope = '...'` of a file; Bicep's default is resourceGroup. */
export function targetScope(file: BicepFile): string {
  const assignment = named(file.root).find((n) => n.type === "target_scope_assignment");
  const value = assignment ? named(assignment)[0] : undefined;
  return value ? value.text.replace(/^'|'$/g, "") : "resourceGroup";
}

export interface ModuleDeployment {
  file: string;
  line: number;
  symbol: string;
  /** Source text of the `name:` value. */
  name: string;
  /** Source text of the `scope:` value, undefined when the module deploys at the file's own scope. */
  scope?: string;
}

/** Every module declaration of a file with the source text of its deployment name and scope. */
export function moduleDeployments(file: BicepFile): ModuleDeployment[] {
  const out: ModuleDeployment[] = [];
  for (const node of named(file.root)) {
    if (node.type !== "module_declaration") continue;
    let body: Node | undefined = named(node).at(-1);
    while (body && (body.type === "for_statement" || body.type === "if_statement")) body = named(body).at(-1);
    if (body?.type !== "object") continue;
    const properties = named(body).filter((p) => p.type === "object_property");
    const prop = (key: string): string | undefined => {
      const found = properties.find((p) => named(p)[0]?.text === key);
      return found ? named(found)[1]?.text : undefined;
    };
    out.push({
      file: file.file,
      line: node.startPosition.row + 1,
      symbol: named(node)[0]?.text ?? "",
      name: prop("name") ?? "",
      scope: prop("scope"),
    });
  }
  return out;
}

/**
 * `expr` with every top-level variable it references replaced by that variable's source text (repeatedly, so
 * variables of variables resolve too), to judge what a name expression is really built from.
 */
export function expandVariables(file: BicepFile, expr: string): string {
  const vars = new Map<string, string>();
  for (const node of named(file.root)) {
    if (node.type !== "variable_declaration") continue;
    const [name, value] = named(node);
    if (name && value) vars.set(name.text, value.text);
  }
  let out = expr;
  for (let depth = 0; depth < 8; depth++) {
    const next = out.replace(/\b[A-Za-z_]\w*\b/g, (id) => (vars.has(id) ? `(${vars.get(id)})` : id));
    if (next === out) break;
    out = next;
  }
  return out;
}

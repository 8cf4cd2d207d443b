/** XML text and attribute escaping (JUnit); characters XML 1.0 cannot carry are replaced. */

// What XML 1.0 forbids: C0 controls but tab/LF/CR, U+FFFE/U+FFFF, and unpaired surrogates.
const INVALID = new RegExp(
  // eslint-disable-next-line no-control-regex -- matching the forbidden characters is the point
  "[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\ufffe\\uffff]|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]",
  "g",
);

export function xmlEscape(s: string): string {
  return s
    .replace(INVALID, "\ufffd")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

export function attrs(a: Record<string, string | number>): string {
  return Object.entries(a)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join("");
}

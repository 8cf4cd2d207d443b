/**
 * Text from the estate, the policy or a requester inside GitHub-flavoured Markdown (the sweep's and what-if's
 * `-o markdown`): it renders as the very text and never as markup, and it cannot leave its table cell or line.
 * Line breaks become spaces; a pipe is escaped for the table (GFM splits cells on unescaped pipes before it
 * parses inline, and keeps `\|` as a pipe, in a code span too); every other character Markdown acts on
 * inline is backslash-escaped (CommonMark renders an escaped ASCII punctuation character as itself).
 */

/** Characters that start or end inline markup (code, emphasis, links, HTML, entities, strikethrough) or a cell. */
const ACTIVE = /[\\`*_[\]<>&~|]/g;

const oneLine = (text: string): string => text.replace(/\r\n|\r|\n/g, " ");

/** Plain text for a table cell or a list item. */
export function mdText(text: string): string {
  return oneLine(text).replace(ACTIVE, (c) => `\\${c}`);
}

/**
 * A code span showing `text` as is (resource IDs and names). Its fence is one backtick longer than the longest
 * run inside; padded with a space where the text starts or ends with a backtick (or with spaces), as CommonMark
 * strips one space from each side. A backslash cannot be escaped inside a code span and would escape a
 * following pipe, so text with one is plain text instead.
 */
export function mdCode(text: string): string {
  const line = oneLine(text);
  if (line === "") return "";
  if (line.includes("\\")) return mdText(line);
  const longest = Math.max(0, ...(line.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  const pad = /^`|`$/.test(line) || (/^ /.test(line) && / $/.test(line)) ? " " : "";
  return `${fence}${pad}${line.replace(/\|/g, "\\|")}${pad}${fence}`;
}

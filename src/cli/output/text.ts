/** Plain-text helpers for the terminal formatters: wrapping and truncating to a display width. */

/** Cuts `s` to `width` characters, marking the cut with an ellipsis. */
export function truncate(s: string, width: number): string {
  if (width <= 0) return "";
  return s.length <= width ? s : `${s.slice(0, Math.max(0, width - 1))}…`;
}

/** Word-wraps `s` to lines of at most `width` characters; a word longer than a line is broken. */
export function wrap(s: string, width: number): string[] {
  const w = Math.max(1, width);
  const lines: string[] = [];
  for (const paragraph of s.split("\n")) {
    let line = "";
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      let rest = word;
      while (rest.length > 0) {
        const room = line ? w - line.length - 1 : w;
        if (rest.length <= room) {
          line = line ? `${line} ${rest}` : rest;
          rest = "";
        } else if (line && rest.length <= w) {
          lines.push(line);
          line = "";
        } else {
          const take = line ? room : w;
          if (take <= 0) {
            lines.push(line);
            line = "";
            continue;
          }
          line = line ? `${line} ${rest.slice(0, take)}` : rest.slice(0, take);
          rest = rest.slice(take);
          lines.push(line);
          line = "";
        }
      }
    }
    lines.push(line);
  }
  return lines;
}

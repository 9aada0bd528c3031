// HTML kept to ASCII: every other character written as a character reference (&#x...;), which
// browsers read back as the same text, in element content and attribute values alike.
//
// Why: goja holds a string with any character past ASCII in UTF-16, and joining it to another
// string converts and copies the whole result; a page built from fifty message fragments with one
// emoji each cost twice the server CPU of the same page in ASCII (BENCHMARKS.md, room page).

// (runs, split into code points by Array.from: goja's regular expressions match the two halves of
// a surrogate pair one at a time, which would write each as a reference browsers read as U+FFFD)
const NOT_ASCII = /[^\x00-\x7f]+/g

/** asciiHtml writes every non-ASCII character of html (a surrogate pair as one) as a reference. */
export function asciiHtml(html: string): string {
  return html.replace(NOT_ASCII, (run) => Array.from(run, (c) => `&#x${c.codePointAt(0)!.toString(16)};`).join(''))
}

// ejs probes the file system for includes; Hearth resolves every include itself (see templates.ts).
export function existsSync(): boolean {
  return false
}
export function readFileSync(): never {
  throw new Error('fs is not available in the hooks runtime')
}
export default { existsSync, readFileSync }

// Posix path helpers for absolute paths inside the hooks dir (goja has no path module).

export function join(...parts: string[]): string {
  return parts.join('/').replace(/\/+/g, '/')
}

export function dirname(path: string): string {
  const i = path.replace(/\/+$/, '').lastIndexOf('/')
  return i <= 0 ? '/' : path.slice(0, i)
}

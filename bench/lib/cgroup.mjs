// A memory limit for the server under test, the way a small VPS or a systemd unit's MemoryMax
// sets one: a cgroup the server starts in. Tried in order: `systemd-run --scope -p MemoryMax=`
// (needs systemd as PID 1), a cgroup v2 folder, a cgroup v1 memory folder (both need root).
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * memoryCgroup returns { how, bin, close() }: bin is a command that runs `pb` (with the arguments
 * it is given, exec'd in place, so its pid is the server's) under a limit of mb MiB; how says which
 * way worked. Throws with every way's failure when none works.
 */
export function memoryCgroup(pb, mb) {
  const bytes = mb * 1024 * 1024
  const name = `hearth-bench-${process.pid}-${Date.now()}`
  const failures = []
  const script = mkdtempSync(join(tmpdir(), 'hearth-cgroup-'))
  const wrapper = (body) => {
    const file = join(script, 'run')
    writeFileSync(file, `#!/bin/sh\n${body}\n`)
    chmodSync(file, 0o755)
    return file
  }
  try {
    execFileSync('systemd-run', ['--scope', '--quiet', '-p', `MemoryMax=${mb}M`, 'true'], { stdio: 'pipe' })
    return { how: `systemd-run --scope -p MemoryMax=${mb}M`, bin: wrapper(`exec systemd-run --scope --quiet -p MemoryMax=${mb}M ${pb} "$@"`), close: () => rmSync(script, { recursive: true, force: true }) }
  } catch (err) {
    failures.push(`systemd-run: ${String(err.stderr || err.message).trim().split('\n')[0]}`)
  }
  for (const [kind, root, file] of [['cgroup v2', '/sys/fs/cgroup', 'memory.max'], ['cgroup v1', '/sys/fs/cgroup/memory', 'memory.limit_in_bytes']]) {
    if (kind === 'cgroup v2' && !existsSync(join(root, 'cgroup.controllers'))) {
      failures.push('cgroup v2: /sys/fs/cgroup is not a cgroup2 mount')
      continue
    }
    const dir = join(root, name)
    try {
      mkdirSync(dir)
      writeFileSync(join(dir, file), String(bytes))
    } catch (err) {
      failures.push(`${kind}: ${err.message}`)
      try { rmdirSync(dir) } catch { /* not made */ }
      continue
    }
    return {
      how: `${kind}: ${dir}/${file} = ${bytes}`,
      bin: wrapper(`echo $$ > ${join(dir, 'cgroup.procs')} || exit 1\nexec ${pb} "$@"`),
      close() {
        rmSync(script, { recursive: true, force: true })
        try { rmdirSync(dir) } catch { /* a process is still in it */ }
      },
    }
  }
  rmSync(script, { recursive: true, force: true })
  throw new Error(`no way to limit memory here:\n  ${failures.join('\n  ')}`)
}

// Starts the real PocketBase with Hearth's hooks on a free port and a temporary data dir.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const PB = join(ROOT, 'bin/pocketbase')

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

async function waitHealthy(url, child, output, ms = 20000) {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`pocketbase exited with ${child.exitCode}:\n${output()}`)
    try {
      const res = await fetch(`${url}/api/health`)
      if (res.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`pocketbase did not become healthy in ${ms} ms:\n${output()}`)
}

/**
 * startServer runs Hearth. Options: env (extra environment), dataDir (reuse one), args (extra flags).
 * The returned server has url, port, dataDir, logs(), stop() and restart().
 */
export async function startServer(options = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'hearth-test-'))
  const port = options.port ?? (await freePort())
  const url = `http://127.0.0.1:${port}`
  let log = ''
  let child
  const launch = async () => {
    child = spawn(PB, [
      'serve', '--http', `127.0.0.1:${port}`,
      '--dir', dataDir,
      '--hooksDir', join(ROOT, 'pb_hooks'),
      '--migrationsDir', join(ROOT, 'pb_migrations'),
      '--publicDir', join(ROOT, 'pb_public'),
      '--hooksWatch=false',
      ...(options.args ?? []),
    ], { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.on('data', (d) => { log += d })
    child.stderr.on('data', (d) => { log += d })
    await waitHealthy(url, child, () => log)
  }
  const stopChild = () => new Promise((resolve) => {
    if (!child || child.exitCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
    setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 5000).unref()
  })
  await launch()
  return {
    url,
    port,
    dataDir,
    logs: () => log,
    get pid() { return child.pid },
    async restart() {
      await stopChild()
      await launch()
    },
    async stop() {
      await stopChild()
      if (!options.dataDir && !options.keepData) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

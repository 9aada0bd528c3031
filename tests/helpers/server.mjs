// Starts the real PocketBase with Hearth's hooks on a free port and a temporary data dir.
import { spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
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

/** waitHealthy resolves once the server at url answers /api/health, and fails if the child exits first. */
export async function waitHealthy(url, child, output, ms = 20000) {
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
 * hooksWithPages copies pb_hooks to a temporary folder and adds fixture pages to its pages/
 * ({ 'relative/path.ejs': 'text' }), so a test can run pages Hearth does not ship, and fixture
 * hook files beside hearth.pb.js ({ 'name.pb.js': 'text' }), e.g. to inject a fault.
 */
function hooksWithPages(extraPages = {}, extraHooks = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-hooks-'))
  cpSync(join(ROOT, 'pb_hooks'), dir, { recursive: true })
  for (const [name, text] of Object.entries(extraHooks)) {
    if (!/^[\w-]+\.pb\.js$/.test(name)) throw new Error(`extra hook file must be a top-level *.pb.js: ${name}`)
    writeFileSync(join(dir, name), text)
  }
  for (const [relative, text] of Object.entries(extraPages)) {
    const file = join(dir, 'pages', relative)
    if (!file.startsWith(join(dir, 'pages') + '/')) throw new Error(`extra page outside pages/: ${relative}`)
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, text)
  }
  return dir
}

/** serverErrors is what a server logged after `from` (a length of its logs()) that looks like a failure: Hearth's error lines or a stack. */
export function serverErrors(server, from = 0) {
  return server.logs().slice(from).split('\n').filter((line) => /\[hearth\]|GoError|Error:|^\s+at |panic/i.test(line))
}

/**
 * startServer runs Hearth; the tests, the browser tests and the benchmarks all start it here.
 * Options: env (extra environment), dataDir (reuse one), args (extra flags), extraPages
 * ({ 'relative/path.ejs': 'text' }: fixture pages added to a copy of pb_hooks), extraHooks, bin
 * (another PocketBase build), logLimit (keep only the last that many characters of its output, for
 * long runs), healthyWithin (ms it may take to start, 20 s).
 * The returned server has url, port, dataDir, logs(), stop(), restart({ downMs }), and halt() and
 * start() for an outage of any length (both keep the data dir and port).
 */
export async function startServer(options = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'hearth-test-'))
  const port = options.port ?? (await freePort())
  const copied = options.extraPages || options.extraHooks
  const hooksDir = copied ? hooksWithPages(options.extraPages, options.extraHooks) : join(ROOT, 'pb_hooks')
  // the copied hooks are not beside pb_public, where Hearth looks for it by default
  const env = copied ? { HEARTH_PUBLIC_DIR: join(ROOT, 'pb_public'), ...options.env } : options.env
  const url = `http://127.0.0.1:${port}`
  let log = ''
  let child
  const launch = async () => {
    child = spawn(options.bin || PB, [
      'serve', '--http', `127.0.0.1:${port}`,
      '--dir', dataDir,
      '--hooksDir', hooksDir,
      '--migrationsDir', join(ROOT, 'pb_migrations'),
      '--publicDir', join(ROOT, 'pb_public'),
      '--hooksWatch=false',
      ...(options.args ?? []),
    ], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    const keep = (d) => { log = options.logLimit ? (log + d).slice(-options.logLimit) : log + d }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    await waitHealthy(url, child, () => log, options.healthyWithin)
  }
  const stopChild = () => new Promise((resolve) => {
    // this child, not whatever `child` is by the time the timer fires (restart() launches a new one)
    const stopping = child
    // (a child ended by a signal has signalCode set and exitCode null)
    if (!stopping || stopping.exitCode !== null || stopping.signalCode !== null) return resolve()
    stopping.once('exit', () => resolve())
    stopping.kill('SIGTERM')
    setTimeout(() => stopping.exitCode === null && stopping.kill('SIGKILL'), 5000).unref()
  })
  await launch()
  return {
    url,
    port,
    dataDir,
    /** the hooks folder it runs (a copy, when extraPages or extraHooks were given) */
    hooksDir,
    logs: () => log,
    get pid() { return child.pid },
    /**
     * restart stops the process and starts it again with the same data dir and port; downMs keeps
     * it stopped that long in between (an outage).
     */
    async restart({ downMs = 0 } = {}) {
      await stopChild()
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs))
      await launch()
    },
    /** halt stops the process but keeps its data dir and port: start() brings it back. */
    async halt() {
      await stopChild()
    },
    /** exited resolves once the running process has ended by itself (a crash, an exit). */
    exited() {
      const running = child
      if (running.exitCode !== null || running.signalCode !== null) return Promise.resolve()
      return new Promise((resolve) => running.once('exit', () => resolve()))
    },
    /** start runs the process again after halt() (it does nothing while it runs). */
    async start() {
      if (child && child.exitCode === null && child.signalCode === null) return
      await launch()
    },
    async stop() {
      await stopChild()
      if (!options.dataDir && !options.keepData) rmSync(dataDir, { recursive: true, force: true })
      if (copied) rmSync(hooksDir, { recursive: true, force: true })
    },
  }
}

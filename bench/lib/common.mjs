// Shared pieces of Hearth's benchmarks: arguments, statistics, the server under test, the machine,
// /proc readings, bounded HTTP loops and the results files.
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { spawn } from 'node:child_process'
import http from 'node:http'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { startServer } from '../../tests/helpers/server.mjs'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const RESULTS = join(ROOT, 'bench/results')

export const now = () => performance.timeOrigin + performance.now()
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** args parses --key=value and --flag into an object (numbers stay strings). */
export function args(argv = process.argv.slice(2)) {
  const out = {}
  for (const a of argv) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a)
    if (m) out[m[1]] = m[2] === undefined ? true : m[2]
  }
  return out
}

/** the SSE reader binary (bench/reader, built by `make bench`) */
export const GO_READER = join(ROOT, 'bin/bench-reader')

/**
 * readerKind is which subscriber readers the benchmarks use: --reader=go|node, or
 * HEARTH_BENCH_READER; by default the Go reader when it is built.
 */
export function readerKind() {
  const kind = args().reader || process.env.HEARTH_BENCH_READER || (existsSync(GO_READER) ? 'go' : 'node')
  if (kind !== 'go' && kind !== 'node') throw new Error(`--reader must be go or node, not ${kind}`)
  return kind
}

export function numList(value, fallback) {
  if (!value || value === true) return fallback
  return String(value).split(',').map((s) => Number(s.trim())).filter((n) => Number.isFinite(n) && n > 0)
}

// ---------------------------------------------------------------------------------------------
// statistics

/** quantile over an ascending array, nearest rank */
export function quantile(sorted, q) {
  if (!sorted.length) return NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[i]
}

/** summary of a list of milliseconds: n, p50, p90, p99, max, mean */
export function summary(values) {
  const s = Float64Array.from(values).sort()
  let sum = 0
  for (const v of s) sum += v
  return {
    n: s.length,
    p50: round(quantile(s, 0.5)),
    p90: round(quantile(s, 0.9)),
    p99: round(quantile(s, 0.99)),
    max: round(s.length ? s[s.length - 1] : NaN),
    mean: round(s.length ? sum / s.length : NaN),
  }
}

export function round(x, digits = 2) {
  if (!Number.isFinite(x)) return x
  const f = 10 ** digits
  return Math.round(x * f) / f
}

export const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? round(a / b, 3) : NaN)

/**
 * Histogram: log-bucketed (1 % wide) latencies, mergeable across processes, for runs with
 * millions of samples. Exact max and count are kept beside the buckets.
 */
export class Histogram {
  constructor() {
    this.buckets = new Map()
    this.count = 0
    this.max = -Infinity
    this.min = Infinity
    this.sum = 0
  }
  static index(v) {
    return v <= 0.01 ? 0 : Math.ceil(Math.log(v / 0.01) / Math.log(1.01))
  }
  static value(i) {
    return i === 0 ? 0.01 : 0.01 * 1.01 ** i
  }
  add(v) {
    const i = Histogram.index(v)
    this.buckets.set(i, (this.buckets.get(i) || 0) + 1)
    this.count++
    this.sum += v
    if (v > this.max) this.max = v
    if (v < this.min) this.min = v
  }
  toJSON() {
    return { buckets: [...this.buckets], count: this.count, max: this.max, min: this.min, sum: this.sum }
  }
  merge(json) {
    for (const [i, c] of json.buckets) this.buckets.set(i, (this.buckets.get(i) || 0) + c)
    this.count += json.count
    this.sum += json.sum
    if (json.max > this.max) this.max = json.max
    if (json.min < this.min) this.min = json.min
    return this
  }
  quantile(q) {
    if (!this.count) return NaN
    const rank = Math.max(1, Math.ceil(q * this.count))
    let seen = 0
    for (const i of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(i)
      if (seen >= rank) return Math.min(Histogram.value(i), this.max)
    }
    return this.max
  }
  summary() {
    return {
      n: this.count,
      p50: round(this.quantile(0.5)),
      p90: round(this.quantile(0.9)),
      p99: round(this.quantile(0.99)),
      max: round(this.max),
      mean: round(this.count ? this.sum / this.count : NaN),
    }
  }
}

// ---------------------------------------------------------------------------------------------
// the machine and the processes

export function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8')
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown'
  return {
    nproc: cpus().length,
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    cpu: model,
    node: process.version,
    fdLimit: fdLimit(),
  }
}

export function loadavg() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number)
}

export function fdLimit() {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'))
    const [soft, hard] = line.replace('Max open files', '').trim().split(/\s+/)
    return { soft: Number(soft), hard: Number(hard) }
  } catch {
    return null
  }
}

/** rssKiB reads a process's resident set size (VmRSS) in KiB. */
export function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1])
}

/** threads of a process (Go's OS threads) */
export function threadsOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/Threads:\s+(\d+)/.exec(status)[1])
}

const CLK_TCK = 100
/** cpuMs reads a process's user+system CPU time in milliseconds (children not included). */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // fields[11] is utime, fields[12] stime (the 14th and 15th fields of stat)
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK
}

/** LoadSampler records /proc/loadavg every few seconds while a benchmark runs. */
export class LoadSampler {
  constructor(everyMs = 5000) {
    this.samples = [loadavg()[0]]
    this.timer = setInterval(() => this.samples.push(loadavg()[0]), everyMs)
    this.timer.unref()
  }
  stop() {
    clearInterval(this.timer)
    this.samples.push(loadavg()[0])
    const s = this.samples
    return { min: Math.min(...s), max: Math.max(...s), mean: round(s.reduce((a, b) => a + b, 0) / s.length) }
  }
}

// ---------------------------------------------------------------------------------------------
// the server under test

export const BENCH_ENV = {
  HEARTH_LIMIT_SIGNUPS: '100000/60',
  HEARTH_LIMIT_POSTS: '100000/60',
  HEARTH_LIMIT_FAILED_LOGINS: '100000/60',
  // every benchmark connection comes from loopback addresses and shares a few reader accounts'
  // sessions (up to 10,000 connections), far over the caps that suit one person's browser
  HEARTH_LIMIT_CONNECTIONS_PER_IP: '1000000',
  HEARTH_LIMIT_CONNECTIONS_PER_SESSION: '1000000',
  HEARTH_LIMIT_EDITS: '100000/60',
  HEARTH_LIMIT_REACTIONS: '100000/60',
  HEARTH_LIMIT_MEMBERSHIPS: '100000/60',
  HEARTH_LIMIT_ROOMS: '100000/60',
  HEARTH_LIMIT_SUBSCRIPTIONS: '100000/60',
  HEARTH_LIMIT_REALTIME_SUBSCRIBES: '100000000/60',
}

// A page only the benchmarks add (to a temporary copy of pb_hooks): the relay's counters.
const STATS_PAGE = "<% response.type('application/json') %><%- JSON.stringify($relay.stats()) %>"

/**
 * startBenchServer runs Hearth through the tests' launcher (tests/helpers/server.mjs) with a copy of
 * Hearth's hooks plus the relay-stats page, the benchmark limits, and HEARTH_BENCH_PB, when set, as
 * the binary (e.g. an unstripped build for perf); extraArgs: more flags for `serve`; bin: the
 * command to run instead (e.g. a wrapper that starts it in a cgroup).
 */
export async function startBenchServer(env = {}, extraPages = {}, extraArgs = [], { bin } = {}) {
  const server = await startServer({
    bin: bin ?? process.env.HEARTH_BENCH_PB,
    env: { ...BENCH_ENV, ...env },
    extraPages: { 'bench-relay-stats/index.ejs': STATS_PAGE, ...extraPages },
    args: extraArgs,
    logLimit: 20000,
    healthyWithin: 30000,
  })
  server.relayStats = async () => (await fetch(`${server.url}/bench-relay-stats`)).json()
  return server
}

/** a stop that is attempted whatever happened, once */
export function onExit(fn) {
  let done = false
  const once = async () => {
    if (done) return
    done = true
    await fn()
  }
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, async () => { await once(); process.exit(130) })
  return once
}

/**
 * running holds what a benchmark has running (its server, its subscriber pool); stop() ends both,
 * once, also on Ctrl-C.
 */
export function running() {
  const live = { server: null, pool: null }
  live.stop = onExit(async () => {
    await live.pool?.shutdown()
    await live.server?.stop()
  })
  return live
}

// ---------------------------------------------------------------------------------------------
// HTTP

export const agent = new http.Agent({ keepAlive: true, maxSockets: 64 })

/**
 * request is one HTTP request over node:http with a keep-alive agent; resolves with
 * { status, headers, body (string), ms }.
 */
export function request(server, method, path, { headers = {}, body, localAddress, timeoutMs = 30000, agent: ag = agent } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const req = http.request({
      host: '127.0.0.1', port: server.port, path, method, agent: ag,
      headers: { ...(body !== undefined ? { 'Content-Length': Buffer.byteLength(body) } : {}), ...headers },
      ...(localAddress ? { localAddress } : {}),
    }, (res) => {
      const chunks = []
      res.on('data', (d) => chunks.push(d))
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), bytes: Buffer.concat(chunks), ms: performance.now() - started }))
      res.on('error', reject)
    })
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path} timed out after ${timeoutMs} ms`)))
    req.on('error', reject)
    req.end(body)
  })
}

/** postForm posts a urlencoded form the way a browser does (same-origin Origin, the cookie). */
export function postForm(server, path, form, { cookie, localAddress, headers = {} } = {}) {
  return request(server, 'POST', path, {
    body: new URLSearchParams(form).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: server.url, ...(cookie ? { Cookie: cookie } : {}), ...headers },
    localAddress,
  })
}

/** post a message through Hearth's form; returns { status, ms }. */
export async function postMessage(server, slug, cookie, body) {
  const res = await postForm(server, `/rooms/${slug}/messages`, { body, nonce: randomBytes(8).toString('hex') }, { cookie })
  if (res.status !== 303) throw new Error(`post failed with ${res.status}: ${res.body.slice(0, 300)}`)
  return res
}

/**
 * loop runs fn with `concurrency` workers until `durationMs` has passed or `maxRequests` were
 * started (whichever first); returns { latencies, errors, elapsedMs, count }.
 */
export async function loop(fn, { concurrency, durationMs, maxRequests }) {
  const latencies = []
  let errors = 0
  let started = 0
  const t0 = performance.now()
  const deadline = t0 + durationMs
  const worker = async () => {
    while (started < maxRequests && performance.now() < deadline) {
      started++
      const t = performance.now()
      try {
        await fn()
        latencies.push(performance.now() - t)
      } catch {
        errors++
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return { latencies, errors, elapsedMs: performance.now() - t0, count: latencies.length }
}

// ---------------------------------------------------------------------------------------------
// results

export function writeResult(name, data) {
  mkdirSync(RESULTS, { recursive: true })
  // a profiled run (another binary, perf attached) is slower: never let it stand for the real numbers
  if (process.env.HEARTH_BENCH_PB || process.env.HEARTH_BENCH_PERF) name = `${name}-profiled`
  const file = join(RESULTS, `${name}.json`)
  writeFileSync(file, JSON.stringify({ name, at: new Date().toISOString(), machine: machine(), reader: readerKind(), ...data }, null, 2) + '\n')
  return file
}

/** goal makes one PASS/FAIL line and its record. */
export function goal(text, pass, detail) {
  const line = `${pass === null ? 'N/A ' : pass ? 'PASS' : 'FAIL'}  ${text}${detail ? `  (${detail})` : ''}`
  console.log(line)
  return { goal: text, pass, detail }
}

export function fmt(s) {
  return `p50 ${s.p50} ms  p99 ${s.p99} ms  max ${s.max} ms  (n=${s.n})`
}

/**
 * perfRecord samples the server with `perf record -g` while a measurement runs, when
 * HEARTH_BENCH_PERF names a folder (use with HEARTH_BENCH_PB=an unstripped build). Returns stop().
 */
export function perfRecord(pid, label) {
  const dir = process.env.HEARTH_BENCH_PERF
  if (!dir) return async () => null
  mkdirSync(dir, { recursive: true })
  const out = join(dir, `${label}.data`)
  const child = spawn('perf', ['record', '-F', '999', '-g', '-p', String(pid), '-o', out], { stdio: 'ignore' })
  return () => new Promise((resolve) => {
    child.once('exit', () => resolve(out))
    child.kill('SIGINT')
    setTimeout(() => child.kill('SIGKILL'), 10000).unref()
  })
}

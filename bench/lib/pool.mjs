// The parent's side of the subscriber-load processes (lib/sse-worker.mjs): spreads connections
// over worker processes and local addresses, waits for a message to reach everyone, and merges
// what the workers measured.
import { fork, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { Histogram, readerKind, GO_READER } from './common.mjs'

const WORKER = new URL('./sse-worker.mjs', import.meta.url)

/**
 * startReader runs one reader process: bench/reader (Go, JSON lines on stdin/stdout) or
 * lib/sse-worker.mjs (Node IPC); both take the same commands and report the same measurements.
 */
function startReader(onMessage) {
  if (readerKind() === 'go') {
    const child = spawn(GO_READER, [], { stdio: ['pipe', 'pipe', 'inherit'] })
    createInterface({ input: child.stdout }).on('line', (line) => onMessage(JSON.parse(line)))
    child.send = (msg) => child.stdin.write(JSON.stringify(msg) + '\n')
    return child
  }
  // HEARTH_BENCH_WORKER_ARGS: node flags for the readers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  const execArgv = (process.env.HEARTH_BENCH_WORKER_ARGS || '').split(' ').filter(Boolean)
  const child = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced', execArgv })
  child.on('message', onMessage)
  return child
}

/** how many reader processes for n connections: one per 2,500, at most 4 */
export function workersFor(n) {
  return Math.max(1, Math.min(4, Math.ceil(n / 2500)))
}

export class SubscriberPool {
  constructor(count) {
    this.workers = []
    this.nextId = 1
    this.pending = new Map()
    this.doneWaiters = []
    this.done = new Map() // k -> Set(worker index)
    this.shares = []
    for (let w = 0; w < count; w++) {
      let readyNow
      const ready = new Promise((r) => { readyNow = r })
      const child = startReader((msg) => (msg.type === 'ready' ? readyNow() : this.onMessage(w, msg)))
      const entry = { child, index: w, ready }
      child.on('exit', (code) => {
        entry.exited = true
        for (const [id, p] of this.pending) if (p.w === w) {
          this.pending.delete(id)
          p.reject(new Error(`subscriber worker ${w} exited with ${code}`))
        }
      })
      this.workers.push(entry)
    }
  }

  async ready() {
    await Promise.all(this.workers.map((w) => w.ready))
  }

  onMessage(w, msg) {
    if (msg.type === 'reply') {
      const p = this.pending.get(msg.id)
      if (!p) return
      this.pending.delete(msg.id)
      if (msg.error) p.reject(new Error(msg.error))
      else p.resolve(msg.result)
    } else if (msg.type === 'done') {
      let set = this.done.get(msg.k)
      if (!set) this.done.set(msg.k, (set = new Set()))
      set.add(w)
      this.doneWaiters = this.doneWaiters.filter((fn) => !fn())
    }
  }

  call(w, msg) {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, w })
      this.workers[w].child.send({ ...msg, id })
    })
  }

  all(msg) {
    return Promise.all(this.workers.map((_, w) => this.call(w, msg)))
  }

  /**
   * open subscribes `count` more connections, spread evenly over the workers; each worker uses its
   * own two loopback addresses (127.0.0.x) so ephemeral ports never run out.
   */
  async open({ port, mode, topic, accounts, count, concurrency = 12 }) {
    const W = this.workers.length
    // concurrency is the total number of connections being opened at once, over all workers (Hearth's
    // subscribe route runs in PocketBase's pool of 15 JS VMs; more at once makes one-off VMs)
    const perWorker = Math.max(1, Math.ceil(concurrency / W))
    const t0 = performance.now()
    const results = await Promise.all(this.workers.map((_, w) => {
      const share = Math.floor(count / W) + (w < count % W ? 1 : 0)
      this.shares[w] = (this.shares[w] || 0) + share
      return this.call(w, {
        cmd: 'open', port, mode, topic, accounts, count: share, concurrency: perWorker,
        accountOffset: w * 7,
        localAddresses: [`127.0.0.${10 + 2 * w}`, `127.0.0.${11 + 2 * w}`],
      })
    }))
    return {
      opened: results.reduce((a, r) => a + r.opened, 0),
      failed: results.reduce((a, r) => a + r.failed, 0),
      errors: results.flatMap((r) => r.errors),
      ms: performance.now() - t0,
    }
  }

  /** waitDone resolves when every worker has seen message k on all its connections, or after ms. */
  waitDone(k, ms) {
    const active = this.workers.filter((_, w) => this.shares[w] > 0).length
    const check = () => (this.done.get(k)?.size ?? 0) >= active
    if (check()) return Promise.resolve(true)
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.doneWaiters = this.doneWaiters.filter((fn) => fn !== waiter)
        resolve(false)
      }, ms)
      const waiter = () => {
        if (!check()) return false
        clearTimeout(timer)
        resolve(true)
        return true
      }
      this.doneWaiters.push(waiter)
    })
  }

  /** resubscribe moves every Hearth connection to another topic (concurrency over all workers) */
  async resubscribe(topic, concurrency = 12) {
    const per = Math.max(1, Math.ceil(concurrency / this.workers.length))
    const r = await this.all({ cmd: 'resubscribe', topic, concurrency: per })
    return { moved: r.reduce((a, x) => a + x.moved, 0), failed: r.reduce((a, x) => a + x.failed, 0) }
  }

  reset(opts = {}) {
    this.done = new Map()
    return this.all({ cmd: 'reset', ...opts })
  }

  status() {
    return this.all({ cmd: 'status' })
  }

  /** collect merges the workers' measurements */
  async collect() {
    const parts = await this.all({ cmd: 'collect' })
    const lat = new Map()
    const hist = new Histogram()
    const counts = new Map()
    const bursts = new Map() // k -> { first, last, perWorker: [{ spread, busy }] }
    const seq = { conns: 0, got: {}, dups: 0, reordered: 0, gaps: 0, firstSeqs: {}, lastSeqs: {} }
    const add = (obj, into) => { for (const [k, v] of Object.entries(obj)) into[k] = (into[k] || 0) + v }
    for (const p of parts) {
      if (p.lat) for (const [k, arr] of Object.entries(p.lat)) {
        const key = Number(k)
        if (!lat.has(key)) lat.set(key, [])
        const into = lat.get(key)
        for (const v of arr) into.push(v)
      }
      if (p.hist) hist.merge(p.hist)
      for (const [k, b] of Object.entries(p.bursts || {})) {
        const key = Number(k)
        let m = bursts.get(key)
        if (!m) bursts.set(key, (m = { first: Infinity, last: -Infinity, perWorker: [] }))
        m.first = Math.min(m.first, b.first)
        m.last = Math.max(m.last, b.last)
        m.perWorker.push({ spread: b.last - b.first, busy: b.busy })
      }
      for (const [k, c] of Object.entries(p.counts)) counts.set(Number(k), (counts.get(Number(k)) || 0) + c)
      seq.conns += p.seq.conns
      seq.dups += p.seq.dups
      seq.reordered += p.seq.reordered
      seq.gaps += p.seq.gaps
      add(p.seq.got, seq.got)
      add(p.seq.firstSeqs, seq.firstSeqs)
      add(p.seq.lastSeqs, seq.lastSeqs)
    }
    return {
      lat,
      bursts,
      hist,
      counts,
      seq,
      events: parts.reduce((a, p) => a + p.events, 0),
      subscribed: parts.reduce((a, p) => a + p.subscribed, 0),
      unexpectedCloses: parts.reduce((a, p) => a + p.unexpectedCloses, 0),
      cpuMs: parts.reduce((a, p) => a + p.cpuMs, 0),
      elu: parts.map((p) => p.elu),
    }
  }

  async closeConns() {
    await this.all({ cmd: 'close' })
    this.shares = []
  }

  async shutdown() {
    for (const w of this.workers) {
      if (!w.exited) {
        try { w.child.send({ cmd: 'exit', id: 0 }) } catch { /* gone */ }
      }
    }
    await Promise.all(this.workers.map((w) => (w.exited ? null : new Promise((r) => {
      const t = setTimeout(() => { w.child.kill('SIGKILL'); r() }, 3000)
      w.child.once('exit', () => { clearTimeout(t); r() })
    }))))
  }
}

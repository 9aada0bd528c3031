// How much the machine's memory is being fought over right now, to read the fan-out tail by.
//
// Why: this machine's host is shared. A fixed loop of arithmetic runs within 12 % of its median
// (p99), but fixed work that reads a 16 MB buffer at random, as goja and SQLite do, runs up to
// twice its median for seconds at a time, and a post slows with it. The probe runs both for a few
// seconds in a process of its own, before a measurement, with nothing of Hearth running.
//
//   node bench/lib/machine-noise.mjs [--seconds=3]     prints one JSON line
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const SELF = fileURLToPath(import.meta.url)

/** machineNoise runs the probe in a child process: { memory: {p50, p90, ratio}, compute: {…} } in ms. */
export function machineNoise(seconds = 3) {
  const out = spawnSync(process.execPath, [SELF, `--seconds=${seconds}`], { encoding: 'utf8', timeout: (seconds + 20) * 1000 })
  try {
    return JSON.parse(out.stdout.trim().split('\n').pop())
  } catch {
    return null
  }
}

/** noiseLine is the probe's result as one line of a report. */
export function noiseLine(n) {
  if (!n) return 'machine noise: not measured'
  return `machine noise: memory probe p50 ${n.memory.p50} ms, p90 ${n.memory.ratio}x its p50; compute probe p90 ${n.compute.ratio}x`
}

const buffer = new Int32Array((16 << 20) / 4)
function memoryWork() {
  let x = 1
  let s = 0
  for (let i = 0; i < 300_000; i++) {
    x = (x * 1103515245 + 12345) & 0x3fffff
    s += buffer[x]++
  }
  return s
}
function computeWork() {
  let x = 0
  for (let i = 0; i < 2_000_000; i++) x = (x * 31 + i) | 0
  return x
}

async function probe(work, ms) {
  for (let i = 0; i < 10; i++) work()
  const took = []
  const end = performance.now() + ms
  while (performance.now() < end) {
    const t = performance.now()
    work()
    took.push(performance.now() - t)
    await new Promise((r) => setTimeout(r, 5))
  }
  took.sort((a, b) => a - b)
  const q = (p) => took[Math.min(took.length - 1, Math.floor(p * took.length))]
  const round = (v) => Math.round(v * 100) / 100
  return { p50: round(q(0.5)), p90: round(q(0.9)), ratio: round(q(0.9) / q(0.5)), n: took.length }
}

if (process.argv[1] === SELF) {
  const arg = process.argv.find((x) => x.startsWith('--seconds='))
  const seconds = Number(arg ? arg.split('=')[1] : 3)
  const memory = await probe(memoryWork, (seconds * 1000 * 2) / 3)
  const compute = await probe(computeWork, (seconds * 1000) / 3)
  console.log(JSON.stringify({ at: new Date().toISOString(), memory, compute }))
}

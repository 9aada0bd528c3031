// Two ways of answering the same question, measured against each other on one server: each in a
// bounded closed loop at a concurrency, in alternating rounds so background noise hits both alike,
// with their latencies, throughput and server CPU per request.
import http from 'node:http'
import { summary, ratio, round, sleep, request, loop, cpuMs } from './common.mjs'

const MAX_REQUESTS = 50000

/**
 * compare runs systems = { name: { path, headers } } (two of them) at one concurrency for `seconds`
 * in all, split into `rounds`; returns { concurrency, [name]: { latency, requestsPerSecond, errors,
 * serverCpuMsPerRequest }, ratio: first / second }. record(name, round), if given, starts recording a
 * round (a CPU profile, say) and returns the function that stops it.
 */
export async function compare(server, systems, { concurrency, seconds, rounds = 2, record = null }) {
  const names = Object.keys(systems)
  const ag = new http.Agent({ keepAlive: true, maxSockets: concurrency })
  const run = (name, ms) => loop(async () => {
    const res = await request(server, 'GET', systems[name].path, { headers: systems[name].headers, agent: ag })
    if (res.status !== 200) throw new Error(`status ${res.status}`)
  }, { concurrency, durationMs: ms, maxRequests: MAX_REQUESTS })
  for (const name of names) await run(name, 1000) // warm up: connections, JS runtimes, caches
  const acc = Object.fromEntries(names.map((n) => [n, { lat: [], n: 0, ms: 0, errors: 0, cpu: 0 }]))
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 ? [...names].reverse() : names) {
      const stopRecording = record ? record(name, r) : null
      const cpu0 = cpuMs(server.pid)
      const out = await run(name, (seconds * 1000) / rounds)
      acc[name].cpu += cpuMs(server.pid) - cpu0
      if (stopRecording) await stopRecording()
      acc[name].lat.push(...out.latencies)
      acc[name].n += out.count
      acc[name].ms += out.elapsedMs
      acc[name].errors += out.errors
      await sleep(200)
    }
  }
  ag.destroy()
  const row = { concurrency }
  for (const name of names) {
    row[name] = {
      latency: summary(acc[name].lat),
      requestsPerSecond: round((acc[name].n * 1000) / acc[name].ms, 1),
      errors: acc[name].errors,
      serverCpuMsPerRequest: round(acc[name].cpu / Math.max(1, acc[name].n), 2),
    }
  }
  const [a, b] = names
  row.ratio = {
    p50: ratio(row[a].latency.p50, row[b].latency.p50),
    p99: ratio(row[a].latency.p99, row[b].latency.p99),
    requestsPerSecond: ratio(row[a].requestsPerSecond, row[b].requestsPerSecond),
  }
  return row
}

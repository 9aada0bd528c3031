// bench/results/chart.svg, written by hand (no dependency): six small panels, one per benchmark,
// Hearth beside its baseline, with the goal drawn where there is one.

const HEARTH = '#c2410c'
const HEARTH_LIGHT = '#fdba74'
const BASE = '#475569'
const BASE_LIGHT = '#cbd5e1'
const GOAL = '#16a34a'
const W = 330
const H = 230

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const num = (v) => (Number.isFinite(v) ? (v >= 100 ? Math.round(v) : Math.round(v * 10) / 10) : 'n/a')

function text(x, y, s, { size = 10, anchor = 'start', weight = 'normal', fill = '#111' } = {}) {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-size="${size}" text-anchor="${anchor}" font-weight="${weight}" fill="${fill}">${esc(s)}</text>`
}

function frame(x, y, title, subtitle) {
  return `<g transform="translate(${x},${y})"><rect x="0" y="0" width="${W - 10}" height="${H - 10}" fill="#fff" stroke="#e2e8f0"/>` +
    text(8, 16, title, { size: 12, weight: 'bold' }) + (subtitle ? text(8, 29, subtitle, { size: 9, fill: '#475569' }) : '')
}

function legend(items, x, y) {
  return items.map(([label, color], i) => `<rect x="${x + i * 78}" y="${y - 8}" width="9" height="9" fill="${color}"/>` + text(x + i * 78 + 12, y, label, { size: 9 })).join('')
}

/** bars: groups of bars on a linear axis from 0 */
function bars(x, y, title, subtitle, groups, { unit = '', goal = null, goalLabel = '', series = [] } = {}) {
  const left = 40
  const top = 44
  const plotW = W - 10 - left - 10
  const plotH = H - 10 - top - 34
  const values = groups.flatMap((g) => g.bars.map((b) => b.value)).filter(Number.isFinite)
  const max = Math.max(...values, goal ?? 0, 1e-9) * 1.15
  const yOf = (v) => top + plotH - (v / max) * plotH
  let s = frame(x, y, title, subtitle)
  s += `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#94a3b8"/>`
  for (const t of [0, 0.5, 1]) s += text(left - 4, yOf(max * t / 1.15) + 3, `${num(max * t / 1.15)}${unit}`, { size: 8, anchor: 'end', fill: '#64748b' })
  const gw = plotW / Math.max(1, groups.length)
  groups.forEach((g, gi) => {
    const bw = Math.min(22, (gw - 10) / Math.max(1, g.bars.length))
    const gx = left + gi * gw + (gw - bw * g.bars.length) / 2
    g.bars.forEach((b, bi) => {
      const v = Number.isFinite(b.value) ? b.value : 0
      const bx = gx + bi * bw
      s += `<rect x="${bx.toFixed(1)}" y="${yOf(v).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${(top + plotH - yOf(v)).toFixed(1)}" fill="${b.color}"/>`
      s += text(bx + (bw - 2) / 2, yOf(v) - 2, num(b.value), { size: 7, anchor: 'middle', fill: '#334155' })
    })
    s += text(left + gi * gw + gw / 2, top + plotH + 11, g.label, { size: 9, anchor: 'middle' })
  })
  if (goal !== null && Number.isFinite(goal)) {
    s += `<line x1="${left}" y1="${yOf(goal).toFixed(1)}" x2="${left + plotW}" y2="${yOf(goal).toFixed(1)}" stroke="${GOAL}" stroke-dasharray="4 3"/>`
    s += text(left + plotW, yOf(goal) - 3, goalLabel, { size: 8, anchor: 'end', fill: GOAL })
  }
  s += legend(series, left, H - 16)
  return s + '</g>'
}

/** fan-out: log-log lines of latency against subscribers */
function fanoutPanel(x, y, fanout) {
  const rows = (fanout?.results || []).filter((r) => r.hearth && r.pb)
  const left = 40
  const top = 44
  const plotW = W - 10 - left - 12
  const plotH = H - 10 - top - 34
  let s = frame(x, y, '1. Fan-out latency (ms, log)', 'POST to subscriber; Hearth relay vs PocketBase record realtime')
  if (!rows.length) return s + text(20, 100, 'no data') + '</g>'
  const xs = rows.map((r) => r.N)
  const all = rows.flatMap((r) => [r.hearth.latency.p50, r.hearth.latency.p99, r.pb.latency.p50, r.pb.latency.p99]).filter((v) => v > 0)
  const lo = Math.log10(Math.min(...all, 10) * 0.8)
  const hi = Math.log10(Math.max(...all, 200) * 1.25)
  const xlo = Math.log10(Math.min(...xs) * 0.8)
  const xhi = Math.log10(Math.max(...xs) * 1.25)
  const X = (n) => left + ((Math.log10(n) - xlo) / (xhi - xlo)) * plotW
  const Y = (v) => top + plotH - ((Math.log10(Math.max(v, 1e-3)) - lo) / (hi - lo)) * plotH
  s += `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#94a3b8"/><line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#94a3b8"/>`
  for (const v of [1, 10, 100, 1000, 10000]) {
    if (Math.log10(v) < lo || Math.log10(v) > hi) continue
    s += `<line x1="${left}" y1="${Y(v).toFixed(1)}" x2="${left + plotW}" y2="${Y(v).toFixed(1)}" stroke="#f1f5f9"/>` + text(left - 4, Y(v) + 3, v >= 1000 ? `${v / 1000}s` : `${v}`, { size: 8, anchor: 'end', fill: '#64748b' })
  }
  for (const n of xs) s += text(X(n), top + plotH + 11, n >= 1000 ? `${n / 1000}k` : `${n}`, { size: 9, anchor: 'middle' })
  const line = (vals, color, dash) => {
    const pts = rows.map((r, i) => `${X(r.N).toFixed(1)},${Y(vals[i]).toFixed(1)}`).join(' ')
    return `<polyline points="${pts}" fill="none" stroke="${color}" stroke-width="2"${dash ? ' stroke-dasharray="4 3"' : ''}/>` + rows.map((r, i) => `<circle cx="${X(r.N).toFixed(1)}" cy="${Y(vals[i]).toFixed(1)}" r="2.5" fill="${color}"/>`).join('')
  }
  s += line(rows.map((r) => r.pb.latency.p99), BASE, false)
  s += line(rows.map((r) => r.pb.latency.p50), BASE_LIGHT, true)
  s += line(rows.map((r) => r.hearth.latency.p99), HEARTH, false)
  s += line(rows.map((r) => r.hearth.latency.p50), HEARTH_LIGHT, true)
  for (const [n, v] of [[1000, 25], [10000, 200]]) {
    if (!xs.includes(n)) continue
    const right = X(n) + 45 > left + plotW
    s += `<path d="M${(X(n) - 6).toFixed(1)},${Y(v).toFixed(1)} h12" stroke="${GOAL}" stroke-width="3"/>` +
      text(right ? X(n) - 8 : X(n) + 8, Y(v) + 3, `goal ${v}`, { size: 8, fill: GOAL, anchor: right ? 'end' : 'start' })
  }
  s += legend([['Hearth p99', HEARTH], ['Hearth p50', HEARTH_LIGHT], ['PB p99', BASE], ['PB p50', BASE_LIGHT]], left - 30, H - 16)
  return s + '</g>'
}

export function chartSvg(r) {
  const panels = []
  panels.push(fanoutPanel(0, 0, r.fanout))
  const rp = r['room-page']?.results || []
  panels.push(bars(W, 0, '2. Room page, 50 messages (p50 ms)', 'GET /rooms/<slug> vs JSON list + expand', rp.map((x) => ({
    label: `concurrency ${x.concurrency}`,
    bars: [{ value: x.hearth.latency.p50, color: HEARTH }, { value: x.pb.latency.p50, color: BASE }],
  })), { series: [['Hearth page', HEARTH], ['PB JSON', BASE]] }))
  const cap = r.capacity?.results || []
  panels.push(bars(2 * W, 0, '3. Memory per idle subscriber (KiB)', 'server RSS delta / N', cap.map((x) => ({
    label: x.N >= 1000 ? `${x.N / 1000}k` : `${x.N}`,
    bars: [{ value: x.hearth?.kibPerSubscriber, color: HEARTH }, { value: x.pb?.kibPerSubscriber, color: BASE }],
  })), { goal: 35, goalLabel: 'goal 35', series: [['Hearth', HEARTH], ['PB realtime', BASE]] }))
  const tp = r.throughput?.result
  panels.push(bars(0, H, '4. Sustained posts/s, 1,000 subscribers', tp?.hearth ? `Hearth: every fragment once, in order: ${tp.hearth.exactlyOnceInOrder ? 'yes' : 'NO'}` : '', tp ? [
    { label: 'posts/s', bars: [{ value: tp.hearth?.postsPerSecond, color: HEARTH }, { value: tp.pb?.postsPerSecond, color: BASE }] },
  ] : [], { series: [['Hearth', HEARTH], ['PB realtime', BASE]] }))
  const sl = r['slow-subscriber']?.result
  panels.push(bars(W, H, '5. Healthy p99 with a stuck subscriber', sl ? `1,000 healthy; with/without ${sl.ratio.p99}x (median post ${sl.ratio.medianPostP99}x)` : '', sl ? [
    { label: 'pooled p99', bars: [{ value: sl.without.latency.p99, color: BASE_LIGHT }, { value: sl.with.latency.p99, color: HEARTH }] },
    { label: 'median post p99', bars: [{ value: sl.without.medianPostP99, color: BASE_LIGHT }, { value: sl.with.medianPostP99, color: HEARTH }] },
  ] : [], { series: [['without', BASE_LIGHT], ['with stuck', HEARTH]] }))
  const pw = r['page-weight']?.result
  panels.push(bars(2 * W, H, '6. Page weight (KB)', 'room page: gzip -6; "sent" = what the server sends', pw ? [
    { label: 'JS gzip', bars: [{ value: pw.js.gzip6 / 1024, color: HEARTH }, { value: pw.baseline?.gzip6 / 1024, color: BASE }] },
    { label: 'JS sent', bars: [{ value: pw.js.sent / 1024, color: HEARTH }] },
    { label: 'CSS gzip', bars: [{ value: pw.css.gzip6 / 1024, color: HEARTH }] },
  ] : [], { goal: 20, goalLabel: 'goal 20 KB JS', series: [['Hearth', HEARTH], ['PB JS SDK', BASE]] }))
  const width = 3 * W
  const height = 2 * H + 16
  const when = Object.values(r).map((x) => x?.at).filter(Boolean).sort().at(-1) || ''
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif">\n` +
    `<rect width="100%" height="100%" fill="#f8fafc"/>\n${panels.join('\n')}\n` +
    text(6, height - 4, `Hearth benchmarks ${when.slice(0, 16).replace('T', ' ')} UTC; machine and method: BENCHMARKS.md`, { size: 9, fill: '#64748b' }) + '\n</svg>\n'
}

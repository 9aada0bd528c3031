// 6. Page weight: the JavaScript and CSS a room page loads. The rendered page's <script src> and
// <link rel="stylesheet" href> are fetched; sizes raw and gzipped (node:zlib, level 6 and 9), and
// what the server actually sent when asked for gzip. Baseline: the browser bundle of PocketBase's
// JS SDK (node_modules/pocketbase/dist/pocketbase.umd.js), the least JavaScript a client-rendered
// app on PocketBase would ship before any code of its own.
//
//   node bench/page-weight.mjs
import { readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync, constants } from 'node:zlib'
import { startBenchServer, request, writeResult, goal, round, ratio, ROOT, onExit } from './lib/common.mjs'
import { setupRoom, fill } from './lib/setup.mjs'

const gz = (buf, level = 6) => gzipSync(buf, { level }).length
const kb = (n) => round(n / 1024, 1)

const server = await startBenchServer()
const stop = onExit(() => server.stop())
let out
try {
  const setup = await setupRoom(server, { readers: 0 })
  await fill(server, setup, 50)
  const page = await request(server, 'GET', `/rooms/${setup.slug}`, { headers: { Cookie: setup.poster.cookie } })
  if (page.status !== 200) throw new Error(`room page answered ${page.status}`)
  const html = page.body
  const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1])
  const inlineScripts = [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).filter((s) => s.trim())
  const styles = [...html.matchAll(/<link\b[^>]*>/g)].map((m) => m[0]).filter((t) => /rel="stylesheet"/.test(t)).map((t) => /href="([^"]+)"/.exec(t)[1])
  const assets = []
  for (const [kind, url] of [...scripts.map((u) => ['js', u]), ...styles.map((u) => ['css', u])]) {
    const plain = await request(server, 'GET', url, { headers: { Cookie: setup.poster.cookie } })
    const sent = await request(server, 'GET', url, { headers: { Cookie: setup.poster.cookie, 'Accept-Encoding': 'gzip' } })
    if (plain.status !== 200) throw new Error(`${url} answered ${plain.status}`)
    assets.push({
      kind,
      url,
      bytes: plain.bytes.length,
      gzip6: gz(plain.bytes, 6),
      gzip9: gz(plain.bytes, constants.Z_BEST_COMPRESSION),
      sentWithGzipAsked: sent.bytes.length,
      contentEncoding: sent.headers['content-encoding'] || 'none',
      cacheControl: plain.headers['cache-control'] || '',
    })
  }
  const sum = (kind, key) => assets.filter((x) => x.kind === kind).reduce((s, x) => s + x[key], 0)
  const inlineJs = inlineScripts.reduce((s, x) => s + Buffer.byteLength(x), 0)
  const sdkFile = ['pocketbase.umd.js', 'pocketbase.iife.js', 'pocketbase.es.js'].map((f) => join(ROOT, 'node_modules/pocketbase/dist', f)).find(existsSync)
  const sdk = sdkFile ? readFileSync(sdkFile) : null
  out = {
    html: { bytes: page.bytes.length, gzip6: gz(page.bytes) },
    assets,
    inlineJsBytes: inlineJs,
    js: { bytes: sum('js', 'bytes'), gzip6: sum('js', 'gzip6'), gzip9: sum('js', 'gzip9'), sent: sum('js', 'sentWithGzipAsked') },
    css: { bytes: sum('css', 'bytes'), gzip6: sum('css', 'gzip6'), gzip9: sum('css', 'gzip9'), sent: sum('css', 'sentWithGzipAsked') },
    baseline: sdk ? { file: sdkFile.replace(ROOT, ''), bytes: sdk.length, gzip6: gz(sdk) } : null,
  }
  out.ratio = out.baseline ? ratio(out.js.gzip6, out.baseline.gzip6) : NaN
  console.log('asset                                   kind  raw KB  gzip-6 KB  gzip-9 KB  sent when gzip asked')
  for (const x of assets) console.log(`  ${x.url.padEnd(38)} ${x.kind.padEnd(4)} ${String(kb(x.bytes)).padStart(6)} ${String(kb(x.gzip6)).padStart(9)} ${String(kb(x.gzip9)).padStart(9)}  ${kb(x.sentWithGzipAsked)} KB (${x.contentEncoding})`)
  console.log(`  JavaScript: ${kb(out.js.bytes)} KB raw, ${kb(out.js.gzip6)} KB gzip (${inlineJs} bytes inline)`)
  console.log(`  CSS:        ${kb(out.css.bytes)} KB raw, ${kb(out.css.gzip6)} KB gzip`)
  console.log(`  HTML:       ${kb(out.html.bytes)} KB raw, ${kb(out.html.gzip6)} KB gzip (50 messages)`)
  if (out.baseline) console.log(`  baseline: PocketBase JS SDK ${out.baseline.file}: ${kb(out.baseline.bytes)} KB raw, ${kb(out.baseline.gzip6)} KB gzip; Hearth JS / SDK = ${out.ratio}x`)
} finally {
  await stop()
}
const goals = [goal('<= 20 KB JavaScript (gzip) per page', out.js.gzip6 + out.inlineJsBytes <= 20 * 1024, `${kb(out.js.gzip6)} KB gzip`)]
const file = writeResult('page-weight', { result: out, goals })
console.log(`wrote ${file}`)

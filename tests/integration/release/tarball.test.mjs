// The release as an operator gets it: `make release-host` builds this machine's tarball, which is
// unpacked into a temporary folder and started with its one command, with nothing else given (no
// paths, no environment, another working directory); a person signs up and posts, and a second
// person sees the message arrive live.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT, freePort, waitHealthy } from '../../helpers/server.mjs'
import { signUp, postMessage, uniqueText } from '../../helpers/browserless.mjs'
import { Subscriber } from '../../helpers/sse.mjs'
import { liveAttributes } from '../../helpers/markup.mjs'

const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch]
const name = `hearth-${version}-linux-${arch}`
const tarball = join(ROOT, 'dist', `${name}.tar.gz`)

let place
let folder
let child
let log = ''
let server

before(async () => {
  // up to date with the sources (make test has built it already: then this does nothing)
  execFileSync('make', ['--no-print-directory', '-s', 'release-host'], { cwd: ROOT, stdio: 'inherit' })
  place = mkdtempSync(join(tmpdir(), 'hearth-release-'))
  execFileSync('tar', ['-xzf', tarball, '-C', place])
  folder = join(place, name)
  const port = await freePort()
  child = spawn(`${name}/hearth`, ['serve', '--http', `127.0.0.1:${port}`], {
    cwd: place,
    env: { PATH: process.env.PATH },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout.on('data', (d) => { log += d })
  child.stderr.on('data', (d) => { log += d })
  server = { url: `http://127.0.0.1:${port}`, port }
  await waitHealthy(server.url, child, () => log)
})

after(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
  if (place) rmSync(place, { recursive: true, force: true })
})

test('the tarball holds one folder: the binary, the compiled hooks, migrations, public files, the unit and the guide', () => {
  const listed = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean)
  assert.ok(listed.every((p) => p.startsWith(`${name}/`)), 'everything inside one folder')
  for (const file of ['hearth', 'hearth.service', 'OPERATING.md', 'pb_hooks/hearth.pb.js', 'pb_hooks/hearth/hearth.js',
    'pb_hooks/pages/+layout.ejs', 'pb_migrations/1764000000_hearth_init.js', 'pb_public/min/hearth-page.js',
    'pb_public/vendor/htmx.min.js', 'pb_public/hearth.css']) {
    assert.ok(listed.includes(`${name}/${file}`), `${file} is in the tarball`)
  }
  assert.deepEqual(listed.filter((p) => /\/(pb_data|node_modules|src)\//.test(p)), [])
})

test('the unpacked binary says its version', () => {
  const out = execFileSync(join(folder, 'hearth'), ['--version'], { encoding: 'utf8' })
  assert.equal(out.trim(), `Hearth ${version} (PocketBase v0.39.11)`)
})

test('it keeps its data beside the binary, not in the working directory', () => {
  assert.ok(existsSync(join(folder, 'pb_data', 'data.db')), 'pb_data/data.db in the release folder')
  assert.ok(!existsSync(join(place, 'pb_data')), 'no pb_data in the working directory')
})

test('a person signs up and posts, and another sees the message live', async () => {
  const alice = await signUp(server)
  const bob = await signUp(server)
  const page = await bob.get('/rooms/lobby')
  assert.equal(page.status, 200)
  const { topic } = liveAttributes(page.text)
  const reader = new Subscriber(bob)
  await reader.connect()
  assert.equal((await reader.subscribe([topic])).status, 200)
  const text = uniqueText('from the release')
  const id = await postMessage(alice, 'lobby', text)
  const events = await reader.waitFor((evs) => evs.some((e) => e.html.includes(`id="message-${id}"`)))
  assert.match(events.find((e) => e.html.includes(`id="message-${id}"`)).html, new RegExp(text))
  reader.close()
  // and the page the reader would load shows it too, with the release's own scripts
  const again = await bob.get('/rooms/lobby')
  assert.match(again.text, new RegExp(text))
  assert.equal((await fetch(`${server.url}/min/hearth-page.js`)).status, 200)
})

// Compiles src/ into what PocketBase's JS hooks runtime loads:
// - pb_hooks/hearth.pb.js: the only entry file; it registers handlers and nothing else.
// - pb_hooks/hearth/hearth.js: one CommonJS bundle every handler require()s by absolute path.
// goja has no fs or path, so ejs gets a posix path shim and an fs stub (templates are read with $os).
import * as esbuild from 'esbuild'
import { fileURLToPath } from 'node:url'
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs'

const root = fileURLToPath(new URL('..', import.meta.url))
const watch = process.argv.includes('--watch')

const common = { logLevel: 'warning', target: 'es2020', platform: 'neutral', format: 'cjs' }

const bundle = {
  ...common,
  entryPoints: [`${root}src/hearth.ts`],
  outfile: `${root}pb_hooks/hearth/hearth.js`,
  bundle: true,
  mainFields: ['main', 'module'],
  alias: { path: 'path-browserify', 'node:path': 'path-browserify', fs: `${root}src/runtime/fs-stub.ts`, 'node:fs': `${root}src/runtime/fs-stub.ts` },
  conditions: ['require'],
}

const entry = {
  ...common,
  entryPoints: [`${root}src/hearth.pb.ts`],
  outfile: `${root}pb_hooks/hearth.pb.js`,
  bundle: false,
}

mkdirSync(`${root}pb_public/vendor`, { recursive: true })
copyFileSync(`${root}node_modules/htmx.org/dist/htmx.min.js`, `${root}pb_public/vendor/htmx.min.js`)

// Hearth's browser scripts stay readable in pb_public/; pages load the minified copies in
// pb_public/min/ (build output): their comments were half of what every page sent.
const scripts = readdirSync(`${root}pb_public`).filter((f) => /^hearth.*\.js$/.test(f))
const browser = {
  logLevel: 'warning',
  target: 'es2019',
  entryPoints: scripts.map((f) => `${root}pb_public/${f}`),
  outdir: `${root}pb_public/min`,
  minify: true,
  bundle: false,
}

if (watch) {
  for (const options of [bundle, entry, browser]) (await esbuild.context(options)).watch()
} else {
  await Promise.all([esbuild.build(bundle), esbuild.build(entry), esbuild.build(browser)])
}

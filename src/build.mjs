// Compiles src/ into what PocketBase's JS hooks runtime loads:
// - pb_hooks/hearth.pb.js: the only entry file; it registers handlers and nothing else.
// - pb_hooks/hearth/hearth.js: one CommonJS bundle every handler require()s by absolute path.
// goja has no fs or path, so ejs gets a posix path shim and an fs stub (templates are read with $os).
import * as esbuild from 'esbuild'
import { fileURLToPath } from 'node:url'
import { copyFileSync, mkdirSync } from 'node:fs'

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

if (watch) {
  for (const options of [bundle, entry]) (await esbuild.context(options)).watch()
} else {
  await Promise.all([esbuild.build(bundle), esbuild.build(entry)])
}

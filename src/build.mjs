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

// Hearth's browser scripts stay readable in pb_public/; pages load one minified file of them all
// (build output, pb_public/min/), in the order they listen in: their comments were half of what
// every page sent, and gzip does better on one file than on seven (7.5 KB against 9.1).
const PAGE_SCRIPTS = ['hearth.js', 'hearth-timeline.js', 'hearth-room.js', 'hearth-deletion.js', 'hearth-actions.js', 'hearth-realtime.js', 'hearth-composer.js', 'hearth-unread.js']
// loaded by a page's script when needed (hearth-composer.js loads the name completion at the first @)
const LATER_SCRIPTS = ['hearth-mentions.js']
const unlisted = readdirSync(`${root}pb_public`).filter((f) => /^hearth.*\.js$/.test(f) && !PAGE_SCRIPTS.includes(f) && !LATER_SCRIPTS.includes(f))
if (unlisted.length) throw new Error(`src/build.mjs: put ${unlisted.join(', ')} in PAGE_SCRIPTS or LATER_SCRIPTS, or no page will load it`)
const page = {
  logLevel: 'warning',
  target: 'es2019',
  stdin: { contents: PAGE_SCRIPTS.map((f) => `import './${f}'`).join('\n'), resolveDir: `${root}pb_public`, loader: 'js' },
  outfile: `${root}pb_public/min/hearth-page.js`,
  format: 'iife',
  minify: true,
  bundle: true,
}

const later = {
  logLevel: 'warning',
  target: 'es2019',
  entryPoints: LATER_SCRIPTS.map((f) => `${root}pb_public/${f}`),
  outdir: `${root}pb_public/min`,
  minify: true,
}

if (watch) {
  for (const options of [bundle, entry, page, later]) (await esbuild.context(options)).watch()
} else {
  await Promise.all([esbuild.build(bundle), esbuild.build(entry), esbuild.build(page), esbuild.build(later)])
}

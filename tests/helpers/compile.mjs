// Pure TypeScript modules of src/, compiled with esbuild and imported as they are, for unit tests.
import { join } from 'node:path'
import * as esbuild from 'esbuild'
import { ROOT } from './server.mjs'

/** importSource bundles src/<relative> as an ES module and imports it. */
export async function importSource(relative) {
  const { outputFiles } = esbuild.buildSync({
    entryPoints: [join(ROOT, 'src', relative)],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    write: false,
  })
  return import(`data:text/javascript;base64,${Buffer.from(outputFiles[0].text).toString('base64')}`)
}

// After tsc, two bundles, each timed:
//
// - dist/vendor/zod.js (tsc's `export { z } from 'zod'`) becomes zod bundled
//   into that one file, which Node loads in about half the time of zod's
//   ninety modules (src/vendor/zod.ts says why). It exports exactly what the
//   module did. The package's modules (dist/index.js and below) use it.
// - dist/bundle/: the command line (dist/cli/main.js) and the package's entry
//   (dist/index.js) bundled together, split where a verb is imported at run
//   time, so that a verb loads a handful of files, not the hundred and fifty
//   modules it is made of: Node 20 compiles each module it loads from
//   scratch, and its start was most of `dmaplan simulate`'s time. A plan the
//   bundled command line runs imports 'dmaplan' from dist/bundle/index.js
//   (src/runtime/package-root.ts), so the plan and the command line share one
//   copy of the DSL and the rules.
import { build } from 'rolldown'
import { rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'dist')

async function timed(what, job) {
  const started = performance.now()
  await job()
  console.log(`bundle: ${what} in ${Math.round(performance.now() - started)} ms`)
}

await timed('dist/vendor/zod.js', async () => {
  const file = join(dist, 'vendor', 'zod.js')
  await build({ input: file, platform: 'node', logLevel: 'warn', output: { file, format: 'esm', sourcemap: false } })
})

await timed('dist/bundle/', async () => {
  const dir = join(dist, 'bundle')
  rmSync(dir, { recursive: true, force: true })
  await build({
    input: { cli: join(dist, 'cli', 'main.js'), index: join(dist, 'index.js') },
    platform: 'node',
    logLevel: 'warn',
    // Packages stay packages: they are loaded, when at all, from node_modules as they are.
    external: (id) => !id.startsWith('.') && !id.startsWith('/'),
    transform: { define: { DMAPLAN_BUNDLE_ENTRY: JSON.stringify('dist/bundle/index.js') } },
    output: { dir, format: 'esm', sourcemap: false, chunkFileNames: '[name]-[hash].js' },
  })
})

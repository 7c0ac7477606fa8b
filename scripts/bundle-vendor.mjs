// After tsc: dist/vendor/zod.js (tsc's `export { z } from 'zod'`) becomes zod
// bundled into that one file, which Node loads in about half the time of
// zod's ninety modules (src/vendor/zod.ts says why). The bundle exports
// exactly what the module did.
import { build } from 'rolldown'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const file = join(root, 'dist', 'vendor', 'zod.js')
const started = performance.now()
await build({
  input: file,
  platform: 'node',
  logLevel: 'warn',
  output: { file, format: 'esm', sourcemap: false },
})
console.log(`bundle-vendor: dist/vendor/zod.js in ${Math.round(performance.now() - started)} ms`)

// Writes the JSON Schemas of the plan IR and of the simulation result from the zod schemas, and docs/kernel-releases.md from the release table (run after `npm run build`).
import { mkdirSync, writeFileSync } from 'node:fs'
import { planJsonSchema } from '../dist/plan/json-schema.js'
import { simResultJsonSchema } from '../dist/sim/index.js'

mkdirSync(new URL('../schema/', import.meta.url), { recursive: true })
const write = (name, schema) =>
  writeFileSync(new URL(`../schema/${name}`, import.meta.url), `${JSON.stringify({ $id: `https://dmaplan.dev/schema/${name}`, ...schema }, null, 2)}\n`)
write('plan.schema.json', planJsonSchema())
write('sim-result.schema.json', simResultJsonSchema())

// The kernel release table as a page of the docs (its facts live in src/plan/kernel*.ts).
const { kernelReleasesMarkdown } = await import('../dist/plan/kernel-doc.js')
writeFileSync(new URL('../docs/kernel-releases.md', import.meta.url), kernelReleasesMarkdown())
// The rules as a page of the docs (each rule lives in src/plan/rules/r*-*.ts).
const { rulesMarkdown } = await import('../dist/plan/rules/rules-doc.js')
writeFileSync(new URL('../docs/rules.md', import.meta.url), rulesMarkdown())
// The strategies as a page of the docs (each strategy lives in src/strategies/<name>/).
const { strategiesMarkdown } = await import('../dist/strategies/strategies-doc.js')
writeFileSync(new URL('../docs/strategies.md', import.meta.url), strategiesMarkdown())

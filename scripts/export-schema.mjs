// Writes schema/plan.schema.json from the zod schemas (run after `npm run build`).
import { mkdirSync, writeFileSync } from 'node:fs'
import { planJsonSchema } from '../dist/plan/json-schema.js'

mkdirSync(new URL('../schema/', import.meta.url), { recursive: true })
const schema = { $id: 'https://dmaplan.dev/schema/plan.schema.json', ...planJsonSchema() }
writeFileSync(new URL('../schema/plan.schema.json', import.meta.url), `${JSON.stringify(schema, null, 2)}\n`)

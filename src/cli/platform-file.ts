/**
 * `dmaplan import --platform FILE`: the platform a trace was recorded on,
 * from a .json file (a platform as a plan's JSON form writes it, or a whole
 * plan, whose platform is taken) or a .ts module whose default export is a
 * DSL platform (`platform({...})`) or a built plan.
 */
import { readFile, stat } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import type { PlatformJson } from '../import/platforms.js'
import type { PlatformIR } from '../plan/ir.js'
import { platformSchema } from '../plan/schema.js'
import { InputError } from './errors.js'
import { importTypeScript } from './import-ts.js'
import { showPath } from './location.js'

/** The platform of a file, in the JSON form the importer writes into its plan. */
export async function platformFile(path: string): Promise<PlatformJson> {
  const file = resolve(path)
  const shown = showPath(file)
  if (!(await stat(file).then((s) => s.isFile(), () => false))) throw new InputError(`--platform ${path}: no such set-up name or file`)
  const ext = extname(file)
  let value: unknown
  if (ext === '.json') {
    try {
      value = JSON.parse(await readFile(file, 'utf8'))
    } catch (e) {
      throw new InputError(`${shown} is not valid JSON: ${(e as Error).message}`)
    }
    const plan = value as { platform?: unknown }
    if (typeof plan === 'object' && plan !== null && 'platform' in plan) value = plan.platform
  } else if (ext === '.ts' || ext === '.mts') {
    let mod: unknown
    try {
      mod = (await importTypeScript(file)).module
    } catch (e) {
      throw new InputError(`${shown} threw while building its platform: ${(String((e as Error)?.message ?? e).split('\n')[0] ?? '').trim()}`)
    }
    const d = (mod as { default?: { ir?: PlatformIR; platform?: PlatformIR } } | undefined)?.default
    const ir = d?.ir ?? d?.platform
    if (ir === undefined) throw new InputError(`${shown}: its default export is neither a platform (platform({...})) nor a plan`)
    value = platformSchema.encode(ir as never)
  } else throw new InputError(`--platform ${path}: a platform file is a .ts or .json file`)
  const parsed = platformSchema.safeParse(value)
  if (!parsed.success) throw new InputError(`${shown}: not a platform: ${parsed.error.issues[0]?.path.join('.') || '(top)'}: ${parsed.error.issues[0]?.message ?? ''}`)
  return platformSchema.encode(parsed.data) as PlatformJson
}

// Writes the strategy registries from the folders under src/strategies/: the
// descriptors (src/strategies/folders.ts), the simulator's paths and the
// generator's strategies. A strategy's folder is its registration; the one
// line written by hand is its place in ORDER (src/strategies/index.ts), the
// order every list shows.
//
//   node scripts/strategy-registries.mjs          write the registries
//   node scripts/strategy-registries.mjs --check  exit 1 if one is out of date
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const FOLDERS = join(ROOT, 'src/strategies')
const FILES = ['index.ts', 'sim.ts', 'gen.ts', 'part.ts']

/** 'p2p-bus' -> 'p2pBus': the binding a strategy's gen.ts exports. */
const camel = (name) => name.replace(/-(\w)/g, (_, c) => c.toUpperCase())
/** 'p2p-bus' -> 'mapP2pBus': the function a strategy's sim.ts exports. */
const mapFn = (name) => `map${camel(name)[0].toUpperCase()}${camel(name).slice(1)}`

export function strategyFolders() {
  return readdirSync(FOLDERS)
    .filter((f) => statSync(join(FOLDERS, f)).isDirectory())
    .sort()
}

function header(layer, file) {
  return `/**
 * The ${layer} of every strategy, by name; each lives in its strategy's folder
 * (src/strategies/<name>/${file}). Generated from those folders by
 * scripts/strategy-registries.mjs (run by \`npm run schema\`); do not edit.
 */`
}

export function registries(names = strategyFolders()) {
  const missing = names.flatMap((n) => FILES.filter((f) => !existsIn(n, f)).map((f) => `src/strategies/${n}/${f}`))
  if (missing.length > 0) throw new Error(`a strategy folder lacks ${missing.join(', ')}`)
  const sim = `${header("simulator's path", 'sim.ts')}
import type { Strategy } from '../../plan/ir.js'
${names.map((n) => `import { ${mapFn(n)} } from '../../strategies/${n}/sim.js'`).join('\n')}
import type { StrategyFn } from './strategy.js'

export const STRATEGIES = {
${names.map((n) => `  ${key(n)}: ${mapFn(n)},`).join('\n')}
} as const satisfies Readonly<Record<Strategy, StrategyFn>>
`
  const gen = `${header("generator's side", 'gen.ts')}
import type { Strategy } from '../../plan/ir.js'
${names.map((n) => `import { ${camel(n)} } from '../../strategies/${n}/gen.js'`).join('\n')}
import type { StrategyDef } from './strategy.js'

export const STRATEGIES = {
${names.map((n) => `  ${key(n)}: ${camel(n)},`).join('\n')}
} as const satisfies Readonly<Record<Strategy, StrategyDef>>

export type { StrategyDef, StrategyContext, SliceSpec } from './strategy.js'
`
  const folders = `/**
 * The descriptor of every strategy, by name; each is its folder's index.ts
 * (src/strategies/<name>/index.ts). Generated from those folders by
 * scripts/strategy-registries.mjs (run by \`npm run schema\`); do not edit.
 */
import type { StrategyDescriptor } from './descriptor.js'
${names.map((n) => `import { ${camel(n)} } from './${n}/index.js'`).join('\n')}

export const FOLDERS = {
${names.map((n) => `  ${key(n)}: ${camel(n)},`).join('\n')}
} as const satisfies Readonly<Record<string, StrategyDescriptor>>
`
  return new Map([
    ['src/strategies/folders.ts', folders],
    ['src/sim/strategies/index.ts', sim],
    ['src/codegen/strategies/index.ts', gen],
  ])
}

function existsIn(name, file) {
  try {
    return statSync(join(FOLDERS, name, file)).isFile()
  } catch {
    return false
  }
}

function key(name) {
  return /^[a-z]\w*$/.test(name) ? name : `'${name}'`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check')
  let stale = 0
  for (const [file, text] of registries()) {
    const path = join(ROOT, file)
    if (existsSync(path) && readFileSync(path, 'utf8') === text) continue
    if (check) {
      console.error(`${file} is out of date: run npm run schema`)
      stale++
    } else {
      writeFileSync(path, text)
      console.log(`wrote ${file}`)
    }
  }
  process.exit(stale > 0 ? 1 : 0)
}

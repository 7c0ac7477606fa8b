/**
 * The harness modules of a set of plans, generated (target harness) into one
 * kbuild tree and built with one make (-j2) against a kernel line's headers,
 * with W=1: every diagnostic the compiler prints is reported.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generate } from '../../../src/codegen/index.js'
import type { Plan } from '../../../src/plan/ir.js'
import type { KernelLine } from '../../support/kernels.js'

export interface Built {
  /** The .ko of each plan, by plan name (absent when it did not build). */
  readonly modules: ReadonlyMap<string, string>
  /** The P2P provider's .ko (p2p-provider.c), when it was asked for and built. */
  readonly provider?: string
  /** What make and the compiler said, minus kbuild's progress lines. */
  readonly diagnostics: readonly string[]
  readonly seconds: number
}

/** A change to a generated driver before it is built (the harness's self-check breaks it on purpose). */
export type Edit = (plan: string, source: string) => string

/** The P2P provider module's name and source (ivshmem's BAR as P2P memory). */
const PROVIDER = 'dmaplan_p2p_provider'
const PROVIDER_SOURCE = join(dirname(fileURLToPath(import.meta.url)), '..', 'provider', `${PROVIDER}.c`)

export async function buildHarnesses(line: KernelLine, plans: readonly Plan[], tree: string, edit?: Edit, withProvider = false): Promise<Built> {
  const started = Date.now()
  mkdirSync(tree, { recursive: true })
  if (withProvider) {
    mkdirSync(join(tree, PROVIDER), { recursive: true })
    copyFileSync(PROVIDER_SOURCE, join(tree, PROVIDER, `${PROVIDER}.c`))
    writeFileSync(join(tree, PROVIDER, 'Kbuild'), `obj-m += ${PROVIDER}.o\n`)
  }
  for (const plan of plans) {
    const dir = join(tree, plan.name)
    mkdirSync(dir, { recursive: true })
    for (const [path, text] of generate(plan, { target: 'harness', kernelRefuses: true }))
      writeFileSync(join(dir, path), edit !== undefined && path === `${plan.name}.c` ? edit(plan.name, text) : text)
  }
  const made = await makeModules(line, tree, [...plans.map((p) => p.name), ...(withProvider ? [PROVIDER] : [])])
  const provider = made.modules.get(PROVIDER)
  made.modules.delete(PROVIDER)
  return { ...made, ...(withProvider && provider !== undefined ? { provider } : {}), seconds: (Date.now() - started) / 1000 }
}

/** Modules whose sources are given (a directory each: its files), built in one kbuild tree, by directory name. */
export async function buildSources(line: KernelLine, sources: ReadonlyMap<string, ReadonlyMap<string, string>>, tree: string): Promise<Built> {
  const started = Date.now()
  for (const [dir, files] of sources) {
    mkdirSync(join(tree, dir), { recursive: true })
    for (const [path, text] of files) writeFileSync(join(tree, dir, path), text)
  }
  return { ...(await makeModules(line, tree, [...sources.keys()])), seconds: (Date.now() - started) / 1000 }
}

/** One make -j2 with W=1 for the tree's directories; each module <dir>/<dir>_dmaplan.ko (or <dir>/<dir>.ko, a module of its own) that came out, and every diagnostic. */
async function makeModules(line: KernelLine, tree: string, dirs: readonly string[]): Promise<{ modules: Map<string, string>; diagnostics: string[] }> {
  writeFileSync(join(tree, 'Kbuild'), `${dirs.map((d) => `obj-m += ${d}/`).join('\n')}\n`)
  // BTF for modules (pahole) is BPF metadata, not compilation: skipping it halves the link time.
  const { out } = await line.make(tree, ['-s', 'W=1', 'CONFIG_DEBUG_INFO_BTF_MODULES=', '-j2', 'modules'])
  const modules = new Map<string, string>()
  for (const d of dirs) {
    const ko = [join(tree, d, `${d}_dmaplan.ko`), join(tree, d, `${d}.ko`)].find((k) => existsSync(k))
    if (ko !== undefined) modules.set(d, ko)
  }
  const diagnostics = out.split('\n').filter((l) => l.trim() !== '' && !/^ {2}[A-Z]+ /.test(l) && !/^make(\[\d+\])?: (Entering|Leaving)/.test(l))
  return { modules, diagnostics }
}

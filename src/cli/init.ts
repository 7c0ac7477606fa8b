/**
 * dmaplan init DIR: a plans project ready for the editor (docs/editor.md):
 * package.json depending on this dmaplan and on the TypeScript the rules are
 * tested on, a tsconfig with the language-service plugin enabled, an example
 * plan and a README of the next commands. Nothing is written over a file
 * that exists.
 */
import { existsSync, readFileSync } from 'node:fs'
import { basename, isAbsolute, join, relative, resolve } from 'node:path'
import { EXIT, UsageError } from './errors.js'
import type { Output } from './output.js'
import { PACKAGE_ROOT } from '../runtime/package-root.js'
import { PLAN_COMPILER_OPTIONS } from './plan-tsconfig.js'
import { writeFileAtomic } from './write-output.js'

/** The example a new project starts from (examples/, shipped with the package). */
const EXAMPLE = 'rdma-mr.ts'

interface OwnPackage {
  readonly version: string
  readonly devDependencies: { readonly typescript: string }
}

/** The files of a new project, by path relative to DIR. `from` is where dmaplan is installed from: npm (undefined) or a path. */
export function projectFiles(dir: string, from: string | undefined): ReadonlyMap<string, string> {
  const own = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as OwnPackage
  const name = basename(resolve(dir)).toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+/, '') || 'plans'
  const dependency = from === undefined ? `^${own.version}` : `file:${isAbsolute(from) ? from : relative(resolve(dir), resolve(from))}`
  const pkg = {
    name,
    private: true,
    type: 'module',
    scripts: { check: 'dmaplan check plans/*.ts', simulate: `dmaplan simulate plans/${EXAMPLE}` },
    dependencies: { dmaplan: dependency },
    // The rules are type-checked on this TypeScript; the editor's plugin runs in its tsserver.
    devDependencies: { typescript: own.devDependencies.typescript },
  }
  const tsconfig = {
    compilerOptions: {
      ...PLAN_COMPILER_OPTIONS,
      noEmit: true,
      plugins: [{ name: 'dmaplan/plugin' }],
    },
    include: ['plans'],
  }
  const readme = `# ${name}: DMA transaction plans

Plans are the .ts files under plans/, written with dmaplan's builder. Next:

    npm install                              # dmaplan ${dependency}, typescript ${own.devDependencies.typescript}
    npx dmaplan check plans/*.ts             # every rule, as file:line:col rule sentence
    npx dmaplan simulate plans/${EXAMPLE}       # what the kernel's DMA layer does with it
    npx dmaplan gen plans/${EXAMPLE} --out out  # kernel C for it
    npx dmaplan explain R6                   # a rule in plain words

In the editor, the rules are type errors at the offending call. tsconfig.json enables dmaplan's
language-service plugin: each diagnostic starts with the rule's sentence and offers quick fixes,
hover says what the kernel does with a transaction or a region, completions offer what is valid.
In VS Code, run "TypeScript: Select TypeScript Version" and choose the workspace's version, so
that the editor runs the TypeScript of node_modules, which loads the plugin.
`
  return new Map([
    ['package.json', `${JSON.stringify(pkg, null, 2)}\n`],
    ['tsconfig.json', `${JSON.stringify(tsconfig, null, 2)}\n`],
    [`plans/${EXAMPLE}`, readFileSync(join(PACKAGE_ROOT, 'examples', EXAMPLE), 'utf8')],
    ['README.md', readme],
  ])
}

export async function initVerb(dir: string, from: string | undefined, out: Output): Promise<number> {
  const files = projectFiles(dir, from)
  const existing = [...files.keys()].filter((f) => existsSync(join(dir, f)))
  if (existing.length > 0) throw new UsageError(`${join(dir, existing[0] as string)} exists; init writes a new project and never over a file`)
  for (const [f, text] of files) await writeFileAtomic(join(dir, f), text, false)
  if (out.json) out.print(JSON.stringify({ dir, files: [...files.keys()] }))
  else {
    out.print(`dmaplan init: wrote ${[...files.keys()].map((f) => join(dir, f)).join(', ')}`)
    out.print(`next: cd ${dir} && npm install && npx dmaplan check plans/*.ts`)
  }
  return EXIT.clean
}

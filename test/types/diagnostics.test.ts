/**
 * The type-level rules speak the run-time sentences, at the offending call,
 * on TypeScript 6 (the compiler API through ts-morph) and TypeScript 7 (the
 * native tsc): every invalid fixture is compiled by both, and every
 * diagnostic must sit on a `// error: Rn` marker line and contain the exact
 * sentence the run-time validator reports for the same plan.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { Project, ts } from 'ts-morph'
import { beforeAll, describe, expect, it } from 'vitest'
import { invalidFixtureFiles, markers, ROOT, runtimeSentences, typeLevelMarkers } from '../support/fixtures.js'
import { RULE_IDS } from '../../src/plan/rules/registry.js'

interface Diag {
  readonly file: string
  readonly line: number
  readonly column: number
  readonly code: number
  readonly text: string
}

const files = invalidFixtureFiles()

const compilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  target: 'es2022',
  module: 'nodenext',
  moduleResolution: 'nodenext',
  types: [] as string[],
}

function compileWithTs6(): Diag[] {
  const project = new Project({
    compilerOptions: {
      ...compilerOptions,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
    },
  })
  project.addSourceFilesAtPaths(files)
  return project.getPreEmitDiagnostics().map((d) => {
    const sf = d.getSourceFile()
    const start = d.getStart() ?? 0
    const pos = sf ? sf.getLineAndColumnAtPos(start) : { line: 0, column: 0 }
    return {
      file: sf?.getFilePath() ?? '',
      line: pos.line,
      column: pos.column,
      code: d.getCode(),
      text: ts.flattenDiagnosticMessageText(d.compilerObject.messageText, '\n'),
    }
  })
}

function compileWithTs7(): Diag[] {
  const dir = mkdtempSync(join(tmpdir(), 'dmaplan-tsc7-'))
  const config = join(dir, 'tsconfig.json')
  writeFileSync(config, JSON.stringify({ compilerOptions, files }, null, 2))
  let out = ''
  try {
    out = execFileSync(process.execPath, [join(ROOT, 'node_modules/tsc7/bin/tsc'), '-p', config, '--pretty', 'false'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
  } catch (e) {
    out = String((e as { stdout?: string }).stdout ?? '')
  }
  const diags: Diag[] = []
  for (const line of out.split('\n')) {
    const m = line.match(/^(.+?)\((\d+),(\d+)\): error TS(\d+): (.*)$/)
    if (m) diags.push({ file: join(ROOT, m[1] as string), line: Number(m[2]), column: Number(m[3]), code: Number(m[4]), text: m[5] as string })
    else if (diags.length > 0 && line.startsWith('  ')) {
      const last = diags.pop() as Diag
      diags.push({ ...last, text: `${last.text}\n${line.trim()}` })
    }
  }
  return diags
}

let ts6: Diag[] = []
let ts7: Diag[] = []
const sentences = new Map<string, string[]>()

beforeAll(async () => {
  ts6 = compileWithTs6()
  ts7 = compileWithTs7()
  for (const f of files) sentences.set(f, await runtimeSentences(f))
})

describe('invalid plans are rejected at compile time with the run-time sentence', () => {
  it('has fixtures for every rule', () => {
    const rules = new Set(files.flatMap((f) => markers(f).map((m) => m.rule)))
    expect([...rules].sort()).toEqual([...RULE_IDS].sort())
  })

  for (const file of files) {
    const name = relative(ROOT, file)
    describe(name, () => {
      it('TypeScript 6 reports each marker, on its line, with the sentence the run time reports', () => {
        const expected = typeLevelMarkers(file)
        const got = ts6.filter((d) => d.file === file)
        expect(got.map((d) => d.line).sort((a, b) => a - b)).toEqual(expected.map((m) => m.line))
        const runtime = sentences.get(file) ?? []
        for (const d of got) {
          const marker = expected.find((m) => m.line === d.line)
          const sentence = runtime.find((s) => d.text.includes(s))
          expect(sentence, `${name}:${d.line} ${d.text}\nruntime: ${runtime.join('\n')}`).toBeDefined()
          expect(sentence?.startsWith(`${marker?.rule}: `), sentence).toBe(true)
          // Readable in the first 160 characters: the rule id and the start of its sentence.
          const head = d.text.slice(0, 160)
          expect(head, head).toContain(`${marker?.rule}: `)
          expect(head, head).toContain((sentence ?? '').slice(0, 40))
        }
      })

      it('TypeScript 7 (native tsc) reports the same diagnostics', () => {
        const a = ts6.filter((d) => d.file === file).map((d) => `${d.line}:${d.column}:${d.code}:${d.text.split('\n')[0]}`)
        const b = ts7.filter((d) => d.file === file).map((d) => `${d.line}:${d.column}:${d.code}:${d.text.split('\n')[0]}`)
        expect(b).toEqual(a)
      })
    })
  }
})

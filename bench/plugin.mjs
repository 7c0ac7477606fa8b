/**
 * Editor plugin benchmark: hover and diagnostics through dmaplan/plugin on a
 * real language service, per example plan, on TypeScript 6 and on the 5.9
 * that tsd bundles (the tsservers the plugin runs in).
 *
 *   npm run build && node bench/plugin.mjs [rounds]
 *
 * Every plan of examples/ and examples/invalid/ is open in one language
 * service ('dmaplan' resolves to dist/, as in an installed project). Cold: the
 * first diagnostics of the first file (the program is built). Each round
 * edits a file (a comment appended: a new version the checker reads again);
 * the compiler checks it (the plain language service's diagnostics, timed
 * apart: the same with or without the plugin), then the plugin's diagnostics
 * and hover on `.transaction(` are timed, and the compiler's own hover there.
 * Opening the files starts the background simulations of the plans the rules
 * accept (the hover's summary line); the rounds begin once they have ended.
 * Figures are per call, median and maximum over files and rounds. The
 * target is under 100 ms warm.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { PLAN_COMPILER_OPTIONS } from '../dist/cli/plan-tsconfig.js'
import { decorate } from '../dist/plugin/index.js'
import { PlanSimulations } from '../dist/plugin/simulation.js'

const ROOT = resolve(import.meta.dirname, '..')
const ROUNDS = Number(process.argv[2] ?? 5)
const require = createRequire(import.meta.url)
const files = ['examples', 'examples/invalid'].flatMap((d) =>
  readdirSync(join(ROOT, d))
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => join(ROOT, d, f)),
)

function service(ts) {
  const texts = new Map(files.map((f) => [f, { text: readFileSync(f, 'utf8'), version: 1 }]))
  const options = ts.convertCompilerOptionsFromJson({ ...PLAN_COMPILER_OPTIONS, noEmit: true }, ROOT).options
  const host = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => [...texts.keys()],
    getScriptVersion: (f) => String(texts.get(f)?.version ?? 0),
    getScriptSnapshot: (f) => {
      const t = texts.get(f)?.text ?? (ts.sys.fileExists(f) ? ts.sys.readFile(f) : undefined)
      return t === undefined ? undefined : ts.ScriptSnapshot.fromString(t)
    },
    getCurrentDirectory: () => ROOT,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (f) => texts.has(f) || ts.sys.fileExists(f),
    readFile: (f) => texts.get(f)?.text ?? ts.sys.readFile(f),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  }
  const plain = ts.createLanguageService(host, ts.createDocumentRegistry())
  // As the plugin's factory does with its default options, with a handle on the background simulations.
  const simulations = new PlanSimulations()
  const ls = decorate(ts, plain, simulations)
  return { ls, plain, texts, simulations }
}

function time(f) {
  const t0 = performance.now()
  const r = f()
  return [performance.now() - t0, r]
}

function figures(ms) {
  const s = [...ms].sort((a, b) => a - b)
  return `median ${s[Math.floor(s.length / 2)].toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms`
}

for (const [label, mod] of [
  ['TypeScript 6', 'typescript'],
  ['TypeScript 5.9 (tsd)', '@tsd/typescript'],
]) {
  const ts = require(mod)
  const { ls, plain, texts, simulations } = service(ts)
  const [cold] = time(() => ls.getSemanticDiagnostics(files[0]))
  for (const f of files) ls.getSemanticDiagnostics(f)
  // Opening the project simulates every plan the rules accept, in the background; the rounds time the editor after that.
  const opened = performance.now()
  await simulations.settled()
  const simulated = performance.now() - opened
  const compiler = []
  const diag = []
  const hover = []
  const plainHover = []
  let rules = 0
  for (let round = 0; round < ROUNDS; round++)
    for (const f of files) {
      const t = texts.get(f)
      texts.set(f, { text: `${t.text}// edit ${round}\n`, version: t.version + 1 })
      // The compiler checks the edited file; the plugin then rewrites what it found.
      compiler.push(time(() => plain.getSemanticDiagnostics(f))[0])
      const [d, diags] = time(() => ls.getSemanticDiagnostics(f))
      diag.push(d)
      if (round === 0) rules += diags.filter((x) => /^R\d+: /.test(ts.flattenDiagnosticMessageText(x.messageText, '\n'))).length
      const at = texts.get(f).text.indexOf('.transaction(') + 2
      // Whichever hover runs first after the edit pays for what the checker caches: alternate.
      const ours = () => {
        const [h, info] = time(() => ls.getQuickInfoAtPosition(f, at))
        if (!ts.displayPartsToString(info?.displayParts).startsWith('transaction ')) throw new Error(`no dmaplan hover in ${f}`)
        hover.push(h)
      }
      const theirs = () => plainHover.push(time(() => plain.getQuickInfoAtPosition(f, at))[0])
      if (round % 2 === 0) (ours(), theirs())
      else (theirs(), ours())
    }
  console.log(`${label} ${ts.version}: ${files.length} plans, ${rules} rule diagnostics, ${ROUNDS} rounds`)
  console.log(`  cold  first diagnostics   ${cold.toFixed(0)} ms (program built)`)
  console.log(`  open  simulations         ${simulated.toFixed(0)} ms more until every accepted plan is simulated (in the background)`)
  console.log(`  edit  compiler's check     ${figures(compiler)} (TypeScript alone, the same with or without the plugin)`)
  console.log(`  warm  diagnostics         ${figures(diag)} (through the plugin, after the check)`)
  console.log(`  warm  hover .transaction  ${figures(hover)} (compiler's own hover: ${figures(plainHover)})`)
}

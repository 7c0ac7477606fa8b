/**
 * What a simulated strategy may touch: the calls a driver can make. A
 * strategy's simulator path (src/strategies/<name>/sim.ts and the shared
 * pieces in src/sim/strategies/) is the call sequence of its generated C,
 * so it reaches the simulated kernel only through the kernel-shaped API
 * objects (src/sim/dma/api.ts, hmm.ts, blk-mq-dma.ts) and the driver-side
 * types they hand out, never through the machine's own state (its domain,
 * device, trace, reporter, trackers or memory).
 */
import { readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'

/** Members a strategy may use, by the file and the class or interface that declares them ('*': every member). */
const ALLOWED_MEMBERS: Readonly<Record<string, Readonly<Record<string, readonly string[] | '*'>>>> = {
  // The release the driver is built for (LINUX_VERSION_CODE), and the DMA API objects.
  'src/sim/run/machine.ts': { Machine: ['has', 'hmm', 'blk'] },
  'src/sim/dma/api.ts': { DmaApi: '*' },
  'src/sim/dma/hmm.ts': { Hmm: '*', HmmDmaMap: '*' },
  // The driver's own device page table (an MR's MTT).
  'src/sim/dma/hmm-entries.ts': { DeviceTable: '*', DmaAddrArray: '*', '(type literal)': '*' },
  'src/sim/dma/blk-mq-dma.ts': { BlkMqDma: '*', Request: '*', BlkDmaIter: '*' },
  'src/sim/dma/iova-api.ts': { DmaIovaState: '*' },
  // struct scatterlist as sg_dma_address()/sg_dma_len() read it, and for_each_sgtable_dma_sg()'s segments (dmaSegmentRuns()).
  'src/sim/dma/scatterlist.ts': { SgTable: '*', ScatterEntry: '*', DmaSegmentRun: '*', '(type literal)': '*' },
  'src/sim/dma/p2pdma.ts': { P2pState: '*' },
  'src/sim/run/regions.ts': { RegionInfo: '*' },
}

/** DmaApi members that are the simulator's plumbing, not calls. */
const API_PLUMBING = new Set(['env', 'tracker', 'trace'])

/** What a strategy may import from src/sim/, by module ('*': anything). */
const ALLOWED_IMPORTS: Readonly<Record<string, readonly string[] | '*'>> = {
  'src/sim/strategies/strategy.ts': '*',
  'src/sim/strategies/ranges.ts': '*',
  'src/sim/strategies/iova-sync.ts': '*',
  'src/sim/consts.ts': '*',
  'src/sim/addr.ts': '*',
  'src/sim/partition-point.ts': '*',
  'src/sim/run/regions.ts': ['RegionInfo'],
  'src/sim/dma/api.ts': ['DmaApi'],
  'src/sim/dma/hmm.ts': ['Hmm', 'HmmDmaMap'],
  'src/sim/dma/hmm-entries.ts': ['DeviceTable'],
  'src/sim/dma/iova-api.ts': ['newIovaState', 'DmaIovaState'],
  'src/sim/dma/scatterlist.ts': ['dmaSegmentRuns', 'sgTableBytes', 'SgTable'],
  'src/sim/dma/p2pdma.ts': ['newP2pState', 'P2pMapType'],
  // TxContext carries the machine (typed); its members are checked above.
  'src/sim/run/machine.ts': ['Machine'],
}

/** The files that are strategies' simulator paths. */
export function strategyFiles(root: string): string[] {
  const out: string[] = []
  for (const e of readdirSync(join(root, 'src/strategies'), { withFileTypes: true }))
    if (e.isDirectory()) out.push(`src/strategies/${e.name}/sim.ts`)
  for (const f of readdirSync(join(root, 'src/sim/strategies'))) if (f.endsWith('.ts') && f !== 'index.ts') out.push(`src/sim/strategies/${f}`)
  return out.sort()
}

const rel = (root: string, f: string) => relative(root, f).split('\\').join('/')

/** Every use outside the surface, as "file:line: what". */
export function surfaceFindings(root: string, files: readonly string[]): string[] {
  const program = ts.createProgram(
    files.map((f) => join(root, f)),
    { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, noEmit: true, skipLibCheck: true },
  )
  const checker = program.getTypeChecker()
  const out: string[] = []
  for (const f of files) {
    const sf = program.getSourceFile(join(root, f))
    if (sf === undefined) {
      out.push(`${f}: not found`)
      continue
    }
    const at = (n: ts.Node) => `${f}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`
    const visit = (n: ts.Node): void => {
      if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) {
        const target = checker.getSymbolAtLocation(n.moduleSpecifier)?.valueDeclaration?.getSourceFile().fileName
        const mod = target === undefined ? undefined : rel(root, target)
        if (mod?.startsWith('src/sim/') && !mod.startsWith('src/sim/strategies/') ? true : mod === undefined) {
          const allowed = mod === undefined ? undefined : ALLOWED_IMPORTS[mod]
          const names: string[] = []
          const b = n.importClause?.namedBindings
          if (b && ts.isNamedImports(b)) for (const s of b.elements) names.push((s.propertyName ?? s.name).text)
          else if (n.importClause) names.push('*')
          for (const name of names)
            if (allowed === undefined || (allowed !== '*' && !allowed.includes(name))) out.push(`${at(n)}: imports ${name} from ${mod ?? n.moduleSpecifier.text}`)
        }
      }
      if (ts.isPropertyAccessExpression(n)) {
        const sym = checker.getSymbolAtLocation(n.name)
        const decl = sym?.declarations?.[0]
        const owner = decl?.parent
        const file = decl === undefined ? undefined : rel(root, decl.getSourceFile().fileName)
        if (file?.startsWith('src/sim/') && !file.startsWith('src/sim/strategies/') && owner !== undefined && (ts.isClassLike(owner) || ts.isInterfaceDeclaration(owner) || ts.isTypeLiteralNode(owner))) {
          const ownerName = ts.isTypeLiteralNode(owner)
            ? ts.isTypeAliasDeclaration(owner.parent) ? owner.parent.name.text : '(type literal)'
            : owner.name?.text ?? '(anonymous)'
          const allowed = ALLOWED_MEMBERS[file]?.[ownerName]
          const name = n.name.text
          const ok = allowed === '*' ? !(ownerName === 'DmaApi' && API_PLUMBING.has(name)) : allowed?.includes(name) === true
          if (!ok) out.push(`${at(n)}: ${n.getText(sf)} (${ownerName}.${name} of ${file})`)
        }
      }
      ts.forEachChild(n, visit)
    }
    visit(sf)
  }
  return out
}

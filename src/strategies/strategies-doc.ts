/**
 * docs/strategies.md, written from the strategy descriptors so that what
 * each strategy is has one home; `npm run schema` writes it and a test keeps
 * the committed copy current.
 */
import { KERNEL_FEATURES } from '../plan/kernel-changes.js'
import type { MemoryKind } from '../plan/memory-kind.js'
import { DESCRIPTORS, summaryText } from './index.js'
import type { KindVerdict, StrategyDescriptor } from './descriptor.js'

const KINDS: readonly MemoryKind[] = ['normal', 'p2p-bus', 'p2p-host-bridge', 'p2p-unsupported', 'encrypted']

/** A cell of the kind table: what the strategy does with the kind, or the rule it breaks. */
const VERDICT: { readonly [V in KindVerdict]: string } = {
  ok: 'maps it',
  unreachable: 'R4',
  bus: 'R3',
  'bus-only': 'R3 (bus-address memory only)',
  encrypted: 'R5',
  'coherent-host': 'R2 (allocates host memory)',
  mmio: 'R9 before DMA_ATTR_MMIO',
}

function properties(d: StrategyDescriptor): string[] {
  const out: string[] = []
  if (d.uniform) out.push('one memory kind per transaction (R2)')
  if (d.allocates) out.push('allocates its memory rather than mapping memory that exists')
  if (d.perPage) out.push('maps page by page, bidirectional (R7)')
  if (d.dispatches) out.push('the C chooses a way per buffer at run time')
  if (d.harness) out.push('driven on QEMU\'s edu device by the harness target')
  return out
}

const sentence = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)

const section = (d: StrategyDescriptor): string[] => {
  const feature = d.feature === undefined ? undefined : KERNEL_FEATURES[d.feature]
  return [
    `## ${d.name}`,
    '',
    `${sentence(summaryText(d))}.`,
    '',
    `- Kernel: ${d.kernel.map((k) => `\`${k}\``).join(', ')}`,
    `- Needs: ${feature === undefined ? 'any modelled release' : `${feature.what}, from ${feature.since} (${d.feature === 'dma-iova' ? 'R1' : 'R9'})`}`,
    `- Template: templates/module/${d.template}.c${d.templateNeeds === undefined ? '' : ` (with ${d.templateNeeds.map((t) => `${t}.c`).join(', ')})`}`,
    ...properties(d).map((p) => `- ${p}`),
    '',
  ]
}

export function strategiesMarkdown(): string {
  return [
    '# Strategies',
    '',
    '<!-- Written by `npm run schema` from src/strategies/<name>/index.ts; edit those. -->',
    '',
    'A transaction names the strategy that maps it (`strategy:` in the builder, `--strategy` for',
    '`dmaplan gen`). Each is one way a driver maps memory for its device with the kernel\'s DMA',
    'API; the simulator runs it as the kernel calls of its generated C, and the generator writes',
    'that C. What each does with each memory kind ([memory-kinds.md](memory-kinds.md)), or the',
    'rule ([rules.md](rules.md)) a region of that kind breaks under it:',
    '',
    `| strategy | ${KINDS.join(' | ')} |`,
    `|---|${KINDS.map(() => '---').join('|')}|`,
    ...DESCRIPTORS.map((d) => `| ${d.name} | ${KINDS.map((k) => VERDICT[d.verdicts[k]]).join(' | ')} |`),
    '',
    ...DESCRIPTORS.flatMap((d) => section(d)),
    '## Adding a strategy',
    '',
    'A folder `src/strategies/<name>/` with its descriptor (`index.ts`), its simulator path',
    '(`sim.ts`, exporting `map<Name>`), its generator strategy (`gen.ts`, exporting `<name>`)',
    'and part (`part.ts`), a template under templates/module/ if it needs one, and its place in',
    'ORDER (src/strategies/index.ts), the one line written by hand, which fixes where it appears',
    'in every list. `npm run schema` then writes the registries from the folders (the',
    'descriptors\', src/strategies/folders.ts; the simulator\'s, src/sim/strategies/index.ts; the',
    'generator\'s, src/codegen/strategies/index.ts) and this page. The plan and its types read only',
    'the descriptors, so the layers stay apart; a folder without its place in ORDER, or one the',
    'registries do not yet hold, is a type error naming it.',
    '',
  ].join('\n')
}

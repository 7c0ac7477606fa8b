/**
 * A plan's IR written back as the DSL a plan author writes: platform() with
 * literal options, its devices and regions, and one builder chain from
 * plan() to build(), every value a string or number literal, so that the
 * type-level rules (src/dsl/types) can decide whatever the run time decides
 * from literals.
 *
 * The body is plain JavaScript (no type syntax): the round trip runs it as
 * written (runPlanBody) and the type test compiles it as a .ts file
 * (planSource). Some IR has no DSL spelling (a granule or a lazy flush
 * without a translating IOMMU, fields only an imported trace sets, a
 * region no step names): such a plan is not written, and why is returned.
 */
import type { DeviceIR, Plan, RegionIR, Step } from '../../src/plan/ir.js'
import { platform } from '../../src/dsl/platform.js'

export type Written = { readonly body: string } | { readonly unwritable: string }

const hex = (v: number | bigint): string => `0x${v.toString(16)}`
const str = (s: string): string => `'${s}'`
/** A 64-bit value as a literal: a number while it is exact, a bigint literal above. */
const u64 = (v: bigint): string => (v <= BigInt(Number.MAX_SAFE_INTEGER) ? hex(v) : `${hex(v)}n`)

function obj(fields: readonly (readonly [string, string | undefined])[]): string {
  const kept = fields.filter((f): f is readonly [string, string] => f[1] !== undefined)
  return kept.length === 0 ? '{}' : `{ ${kept.map(([k, v]) => `${k}: ${v}`).join(', ')} }`
}

const PCI_SEGMENT_BOUNDARY = 0xffffffffn
const NO_SEGMENT_BOUNDARY = 2n ** 64n - 1n
const DEFAULT_SWIOTLB = 64n << 20n
const DEFAULT_RAM = 8n * 2n ** 30n

/** Why the plan's IR has no DSL spelling, or undefined when it has one. */
function unwritable(plan: Plan): string | undefined {
  const { iommu } = plan.platform
  if (plan.observed !== undefined) return 'observations of a trace'
  if (iommu.mode !== 'translated') {
    if (iommu.granule !== 4096) return `granule ${iommu.granule} without a translating IOMMU`
    if (iommu.flush !== 'strict') return `${iommu.flush} flush without a translating IOMMU`
    if (iommu.addressWidth !== 48) return `address width ${iommu.addressWidth} without a translating IOMMU`
  }
  const client = plan.devices.find((d) => d.name === plan.device)
  if (client === undefined) return 'no device of its own'
  const providers = new Set(plan.regions.flatMap((r) => (r.provider === undefined ? [] : [r.provider])))
  for (const d of plan.devices) if (d !== client && !providers.has(d.name)) return `device ${d.name} provides no region of the plan`
  for (const r of plan.regions) {
    if (r.memory === 'ram' && r.encrypted !== plan.platform.coco) {
      if (r.encrypted) return `encrypted region ${r.name} outside a confidential guest`
    }
    if (r.memory === 'p2p' && r.encrypted) return `encrypted P2P region ${r.name}`
    if (r.phys !== undefined && r.offset !== r.phys % 4096n) return `region ${r.name}: offset ${r.offset} is not its physical address's`
    if (r.offset >= 4096n) return `region ${r.name}: offset ${r.offset} beyond a page`
  }
  // The builder lists regions in the order steps first name them.
  const order: string[] = []
  for (const s of plan.steps) for (const n of stepRegions(s)) if (!order.includes(n)) order.push(n)
  if (order.join() !== plan.regions.map((r) => r.name).join()) return `regions ${plan.regions.map((r) => r.name).join(',')} are not named by steps in that order (${order.join(',')})`
  for (const s of plan.steps) {
    if (s.op === 'map' && s.observed !== undefined) return 'a map observed in a trace'
    if (s.op === 'unmap' && s.inFqTimer !== undefined) return 'an unmap observed in a trace'
    if (s.op === 'wait' && s.fqTimer !== undefined) return 'a wait observed in a trace'
  }
  return undefined
}

function stepRegions(s: Step): readonly string[] {
  switch (s.op) {
    case 'map':
      return s.regions
    case 'device-read':
    case 'device-write':
    case 'cpu-read':
    case 'cpu-write':
    case 'unlink':
      return [s.region]
    case 'sync-for-cpu':
    case 'sync-for-device':
      return s.region === undefined ? [] : [s.region]
    default:
      return []
  }
}

function platformSpec(plan: Plan): string {
  const p = plan.platform
  const i = p.iommu
  const iommu =
    i.mode === 'translated'
      ? obj([
          ['mode', str(i.mode)],
          ['granule', i.granule !== 4096 ? String(i.granule) : undefined],
          ['flush', str(i.flush)],
          ['addressWidth', i.addressWidth !== 48 ? String(i.addressWidth) : undefined],
        ])
      : obj([['mode', str(i.mode)]])
  const switches = p.pci.switches.map((s) => `${s.name}: ${obj([['acsRedirect', s.acsRedirect ? 'true' : undefined], ['upstream', s.upstream === undefined ? undefined : str(s.upstream)]])}`)
  const pci = obj([
    ['switches', switches.length > 0 ? `{ ${switches.join(', ')} }` : undefined],
    ['hostBridgeP2P', p.pci.hostBridgeP2P ? 'true' : undefined],
  ])
  const s = p.swiotlb
  const swiotlb = obj([
    ['bytes', s.bytes !== DEFAULT_SWIOTLB ? u64(s.bytes) : undefined],
    ['force', s.force ? 'true' : undefined],
    ['base', s.base === undefined ? undefined : u64(s.base)],
  ])
  return obj([
    ['kernel', str(p.kernel)],
    ['iommu', iommu],
    ['coco', p.coco ? 'true' : undefined],
    ['pci', pci === '{}' ? undefined : pci],
    ['swiotlb', swiotlb === '{}' ? undefined : swiotlb],
    ['ramBytes', p.ramBytes !== DEFAULT_RAM ? u64(p.ramBytes) : undefined],
  ])
}

function deviceSpec(d: DeviceIR): string {
  const boundary = d.pci ? PCI_SEGMENT_BOUNDARY : NO_SEGMENT_BOUNDARY
  const m = d.p2pMemory
  return obj([
    ['at', d.at === undefined ? undefined : str(d.at)],
    ['pci', d.pci ? undefined : 'false'],
    ['dmaMask', String(d.dmaMask)],
    ['coherent', d.coherent ? undefined : 'false'],
    ['trusted', d.trusted ? undefined : 'false'],
    ['maxSegmentSize', d.maxSegmentSize !== 65536 ? hex(d.maxSegmentSize) : undefined],
    ['segmentBoundary', d.segmentBoundary !== boundary ? u64(d.segmentBoundary) : undefined],
    ['minAlignMask', d.minAlignMask !== 0 ? hex(d.minAlignMask) : undefined],
    [
      'p2pMemory',
      m === undefined
        ? undefined
        : obj([
            ['bytes', u64(m.bytes)],
            ['bar', m.bar === undefined ? undefined : u64(m.bar)],
            ['busOffset', m.busOffset !== 0n ? u64(m.busOffset) : undefined],
          ]),
    ],
  ])
}

function rangeSpec(r: RegionIR, coco: boolean): string {
  const whole = r.offset === 0n && r.bytes % 4096n === 0n && r.phys === undefined
  return obj([
    ...(whole
      ? ([['pages', String(r.bytes / 4096n)]] as const)
      : ([
          ['bytes', u64(r.bytes)],
          ['offset', r.offset !== 0n && r.phys === undefined ? hex(r.offset) : undefined],
          ['phys', r.phys === undefined ? undefined : u64(r.phys)],
        ] as const)),
    ['shared', r.memory === 'ram' && coco && !r.encrypted ? 'true' : undefined],
  ])
}

const devVar = (name: string) => `d_${name}`
const regVar = (name: string) => `m_${name}`

function range(region: RegionIR | undefined, offset: bigint, bytes: bigint): string {
  if (region === undefined) throw new Error('a step names a region the plan does not declare')
  if (offset === 0n && bytes === region.bytes) return ''
  return `, ${obj([
    ['offset', offset !== 0n ? u64(offset) : undefined],
    ['bytes', u64(bytes)],
  ])}`
}

function stepCall(s: Step, regions: ReadonlyMap<string, RegionIR>): string {
  switch (s.op) {
    case 'map': {
      const options = obj([
        ['strategy', str(s.strategy)],
        ['dir', str(s.dir)],
        ['attrs', s.attrs.length > 0 ? `[${s.attrs.map(str).join(', ')}]` : undefined],
        ['populate', s.populate ? undefined : 'false'],
      ])
      return `.transaction(${str(s.tx)}, ${options}, [${s.regions.map(regVar).join(', ')}])`
    }
    case 'device-read':
      return `.deviceReads(${str(s.tx)}, ${regVar(s.region)}${range(regions.get(s.region), s.offset, s.bytes)})`
    case 'device-write':
      return `.deviceWrites(${str(s.tx)}, ${regVar(s.region)}${range(regions.get(s.region), s.offset, s.bytes)})`
    case 'cpu-read':
      return `.cpuReads(${regVar(s.region)}${range(regions.get(s.region), s.offset, s.bytes)})`
    case 'cpu-write':
      return `.cpuWrites(${regVar(s.region)}${range(regions.get(s.region), s.offset, s.bytes)})`
    case 'sync-for-cpu':
      return `.syncForCpu(${str(s.tx)}${s.region === undefined ? '' : `, ${regVar(s.region)}`})`
    case 'sync-for-device':
      return `.syncForDevice(${str(s.tx)}${s.region === undefined ? '' : `, ${regVar(s.region)}`})`
    case 'hmm-fault':
      return `.hmmFault(${str(s.tx)}, ${s.index})`
    case 'hmm-invalidate':
      return `.hmmInvalidate(${str(s.tx)}, ${s.index})`
    case 'unlink':
      return `.unlink(${str(s.tx)}, ${regVar(s.region)})`
    case 'unmap':
      return `.unmap(${str(s.tx)})`
    case 'keep':
      return `.keep(${str(s.tx)})`
    case 'wait':
      return `.wait(${s.ms})`
    case 'set-dma-mask':
      return `.setDmaMask(${s.bits})`
    case 'set-segment-boundary':
      return `.setSegmentBoundary(${u64(s.mask)})`
    case 'set-max-segment-size':
      return `.setMaxSegmentSize(${hex(s.bytes)})`
    case 'set-min-align-mask':
      return `.setMinAlignMask(${hex(s.mask)})`
  }
}

/**
 * The plan as DSL statements that end by returning the built plan
 * (`return h.plan(...)...build()`), with `platform` in scope; or why it
 * cannot be written.
 */
export function planBody(plan: Plan): Written {
  const why = unwritable(plan)
  if (why !== undefined) return { unwritable: why }
  const regions = new Map(plan.regions.map((r) => [r.name, r]))
  const lines = [`const h = platform(${platformSpec(plan)})`]
  // Providers first, so the client's own BAR (a device that maps its own P2P memory) is declared once.
  const client = plan.devices.find((d) => d.name === plan.device) as DeviceIR
  for (const d of plan.devices) lines.push(`const ${devVar(d.name)} = h.device(${str(d.name)}, ${deviceSpec(d)})`)
  for (const r of plan.regions)
    lines.push(
      r.memory === 'ram'
        ? `const ${regVar(r.name)} = h.ram(${str(r.name)}, ${rangeSpec(r, plan.platform.coco)})`
        : `const ${regVar(r.name)} = ${devVar(r.provider ?? '')}.p2p(${str(r.name)}, ${rangeSpec(r, plan.platform.coco)})`,
    )
  const chain = plan.steps.map((s) => `  ${stepCall(s, regions)}`)
  lines.push(`return h.plan(${devVar(client.name)}, { name: ${str(plan.name)} })\n${chain.join('\n')}\n  .build()`)
  return { body: lines.join('\n') }
}

/** A .ts module of the plan: `export const plan = () => { body }`, importing platform from `from`. */
export function planSource(body: string, from = 'dmaplan'): string {
  return `import { platform } from '${from}'\nexport const plan = () => {\n${body}\n}\n`
}

/** Runs a written body as it is (it is plain JavaScript): the plan it builds, or what build() threw. */
export function runPlanBody(body: string): Plan {
  return new Function('platform', body)(platform) as Plan
}

/**
 * zod schemas of the plan IR. Decoding a JSON plan fills in the kernel's
 * defaults and turns 64-bit strings into bigint; encoding does the reverse.
 * Every field a JSON author may omit has the default the kernel itself would use.
 */
import { z } from '../vendor/zod.js'
import { descriptor, STRATEGY_NAMES } from '../strategies/index.js'
import { KERNEL_VERSIONS, DEFAULT_KERNEL } from './kernel.js'
import { PLAN_FORMAT } from './ir.js'
import type { Plan } from './ir.js'
import { PAGE_SIZE_N } from './kernel-consts.js'
import { formatU64, parseU64, U64_MAX } from './u64.js'
import { IDENTIFIER, IDENTIFIER_RULE } from './names.js'
import { DIRECTIONS } from './ir.js'

/** A 64-bit unsigned value: hex or decimal string (or a safe integer) in JSON, bigint in memory. */
export const u64 = z.codec(
  z.union([z.string(), z.number()]).meta({
    description: 'unsigned 64-bit value: a hex string such as "0x1000" (written on output), a decimal string, or a safe integer',
  }),
  z.bigint(),
  {
    decode: (value, payload) => {
      const r = parseU64(value)
      if (typeof r === 'string') {
        payload.issues.push({ code: 'custom', message: r, input: value })
        return 0n
      }
      return r
    },
    encode: (value) => formatU64(value),
  },
)

/** Names end up as C identifiers in generated code, so they must be C identifiers already (names.ts). */
export const identifier = z.string().regex(IDENTIFIER, `must be a C identifier: ${IDENTIFIER_RULE}`)

export const kernelVersion = z.enum(KERNEL_VERSIONS)
export const strategy = z.enum(STRATEGY_NAMES)
export const direction = z.enum(DIRECTIONS)
export const dmaAttr = z.enum([
  'DMA_ATTR_WEAK_ORDERING',
  'DMA_ATTR_SKIP_CPU_SYNC',
  'DMA_ATTR_NO_WARN',
  'DMA_ATTR_PRIVILEGED',
  'DMA_ATTR_MMIO',
  'DMA_ATTR_DEBUGGING_IGNORE_CACHELINES',
  'DMA_ATTR_REQUIRE_COHERENT',
])

export const iommuSchema = z.strictObject({
  mode: z.enum(['translated', 'passthrough', 'none']),
  granule: z.union([z.literal(4096), z.literal(16384), z.literal(65536)]).default(4096),
  flush: z.enum(['strict', 'lazy']).default('strict'),
  addressWidth: z.number().int().min(32).max(64).default(48),
})

export const switchSchema = z.strictObject({
  name: identifier,
  acsRedirect: z.boolean().default(false),
  upstream: identifier.optional(),
})

export const platformSchema = z.strictObject({
  kernel: kernelVersion.default(DEFAULT_KERNEL),
  iommu: iommuSchema,
  coco: z.boolean().default(false),
  pci: z
    .strictObject({
      switches: z.array(switchSchema).default([]),
      hostBridgeP2P: z.boolean().default(false),
    })
    .prefault({}),
  swiotlb: z
    .strictObject({
      bytes: u64.prefault('0x4000000'),
      force: z.boolean().default(false),
      base: u64.optional(),
    })
    .prefault({}),
  ramBytes: u64.prefault('0x200000000'),
})

/*
 * The DMA constraints a driver sets in struct device, as a device declares
 * them and as driver steps change them (one schema for both).
 */
/** DMA_BIT_MASK(bits). */
const dmaMaskBits = z.number().int().min(12).max(64)
/** dma_parms->max_segment_size, an unsigned int. */
const maxSegmentSize = z.number().int().min(512).max(0xffffffff)
/** dma_parms->segment_boundary_mask: 2^n - 1, at least a page (dma_get_seg_boundary_nr_pages() shifts it). */
const segmentBoundary = u64.refine((m) => m >= PAGE_SIZE_N - 1n && (m & (m + 1n)) === 0n, {
  message: 'a segment boundary mask is 2^n - 1 and at least 0xfff',
})
/** dma_parms->min_align_mask: NVMe sets 4 KiB - 1 (the NVMe PRP page); swiotlb keeps these bits of the address in the slot. */
const minAlignMask = z.number().int().min(0).max(0xffff)

export const deviceSchema = z.strictObject({
  name: identifier,
  at: identifier.optional(),
  pci: z.boolean().default(true),
  dmaMask: dmaMaskBits.default(32),
  coherent: z.boolean().default(true),
  trusted: z.boolean().default(true),
  maxSegmentSize: maxSegmentSize.default(65536),
  segmentBoundary: segmentBoundary.prefault('0xffffffff'),
  minAlignMask: minAlignMask.default(0),
  p2pMemory: z
    .strictObject({
      bytes: u64,
      bar: u64.optional(),
      busOffset: u64.prefault('0x0'),
    })
    .optional(),
})

export const regionSchema = z.strictObject({
  name: identifier,
  memory: z.enum(['ram', 'p2p']),
  provider: identifier.optional(),
  encrypted: z.boolean().default(false),
  offset: u64.prefault('0x0'),
  bytes: u64,
  phys: u64.optional(),
})

const at = { at: z.string().optional() }

export const mapStepSchema = z.strictObject({
  op: z.literal('map'),
  tx: identifier,
  strategy,
  dir: direction,
  attrs: z.array(dmaAttr).default([]),
  regions: z.array(identifier),
  populate: z.boolean().default(true),
  observed: z
    .strictObject({ dma: z.array(u64), lengths: z.array(u64), entriesAssumed: z.boolean().default(false), interrupted: z.boolean().optional() })
    .optional()
    .meta({ description: 'what a real kernel gave for this map, in a plan imported from a trace: each DMA segment' }),
  ...at,
})

/** bytes 0 in a hand-written JSON plan means "to the end of the region"; the loader resolves it. */
const range = { region: identifier, offset: u64.prefault('0x0'), bytes: u64.prefault('0x0') }

export const deviceAccessStepSchema = z.strictObject({
  op: z.enum(['device-read', 'device-write']),
  tx: identifier,
  ...range,
  ...at,
})

export const cpuAccessStepSchema = z.strictObject({
  op: z.enum(['cpu-read', 'cpu-write']),
  ...range,
  ...at,
})

export const syncStepSchema = z.strictObject({
  op: z.enum(['sync-for-cpu', 'sync-for-device']),
  tx: identifier,
  region: identifier.optional(),
  ...at,
})

export const hmmStepSchema = z.strictObject({
  op: z.enum(['hmm-fault', 'hmm-invalidate']),
  tx: identifier,
  index: z.number().int().min(0).max(0x7fffffff),
  ...at,
})

export const unlinkStepSchema = z.strictObject({ op: z.literal('unlink'), tx: identifier, region: identifier, ...at })
export const unmapStepSchema = z.strictObject({
  op: z.literal('unmap'),
  tx: identifier,
  inFqTimer: z.literal(true).optional().meta({ description: "an imported unmap that an interrupt made while the lazy flush queue's timer ran: the run may have freed its IOVA" }),
  ...at,
})
export const keepStepSchema = z.strictObject({ op: z.literal('keep'), tx: identifier, ...at })
export const waitStepSchema = z.strictObject({ op: z.literal('wait'), ms: z.number().min(0).max(3_600_000), fqTimer: z.boolean().optional(), ...at })

export const setDmaMaskStepSchema = z.strictObject({ op: z.literal('set-dma-mask'), bits: dmaMaskBits, ...at })
export const setSegmentBoundaryStepSchema = z.strictObject({ op: z.literal('set-segment-boundary'), mask: segmentBoundary, ...at })
export const setMaxSegmentSizeStepSchema = z.strictObject({ op: z.literal('set-max-segment-size'), bytes: maxSegmentSize, ...at })
export const setMinAlignMaskStepSchema = z.strictObject({ op: z.literal('set-min-align-mask'), mask: minAlignMask, ...at })

export const stepSchema = z.discriminatedUnion('op', [
  mapStepSchema,
  deviceAccessStepSchema,
  cpuAccessStepSchema,
  syncStepSchema,
  hmmStepSchema,
  unlinkStepSchema,
  unmapStepSchema,
  keepStepSchema,
  waitStepSchema,
  setDmaMaskStepSchema,
  setSegmentBoundaryStepSchema,
  setMaxSegmentSizeStepSchema,
  setMinAlignMaskStepSchema,
])

export const planSchema = z
  .strictObject({
    $schema: z.string().optional(),
    format: z.literal(PLAN_FORMAT),
    name: identifier,
    platform: platformSchema,
    device: identifier,
    devices: z.array(deviceSchema).min(1),
    regions: z.array(regionSchema).default([]),
    steps: z.array(stepSchema),
    observed: z
      .strictObject({
        tickPhaseMs: z.number().min(0).max(1000).optional().meta({ description: "Where the kernel's ticks fall, ms after the plan's start modulo one jiffy." }),
        fqTimer: z.boolean().optional().meta({ description: "The lazy flush queue's timer runs only where wait steps say the trace saw it." }),
        defects: z
          .array(z.strictObject({ check: z.string(), at: z.string(), message: z.string() }))
          .optional()
          .meta({ description: "Defects of the traced driver's traffic, with the dma-debug check each is and its trace line: the simulation reports them." }),
        assumptions: z.array(z.string()).optional().meta({ description: 'What the import assumed where the trace does not say: the simulation repeats it.' }),
      })
      .optional()
      .meta({ description: 'What a trace showed of the kernel beyond its calls (an imported plan).' }),
  })
  .superRefine((plan, ctx) => {
    for (const issue of referenceIssues(plan)) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path })
  })
  .meta({
    title: 'dmaplan plan',
    description: 'A Linux DMA transaction plan: platform, devices, memory regions and the ordered steps of its transactions.',
  })

interface ReferenceIssue {
  readonly message: string
  readonly path: (string | number)[]
}

type Decoded = z.output<typeof planSchema>

/**
 * Names must be unique and every reference must resolve: a plan that names a
 * device, switch or region it never declares is malformed input, not a rule
 * violation.
 */
function referenceIssues(plan: Omit<Decoded, '$schema'>): ReferenceIssue[] {
  const out: ReferenceIssue[] = []
  const dup = (list: readonly { name: string }[], what: string, key: string) => {
    const seen = new Set<string>()
    list.forEach((x, i) => {
      if (seen.has(x.name)) out.push({ message: `${what} ${x.name} is declared twice`, path: [key, i, 'name'] })
      seen.add(x.name)
    })
    return seen
  }
  const switches = dup(plan.platform.pci.switches, 'switch', 'platform')
  const devices = dup(plan.devices, 'device', 'devices')
  const regions = dup(plan.regions, 'region', 'regions')
  plan.platform.pci.switches.forEach((s, i) => {
    if (s.upstream !== undefined && !switches.has(s.upstream))
      out.push({ message: `switch ${s.name} hangs below switch ${s.upstream}, which the platform does not declare`, path: ['platform', 'pci', 'switches', i, 'upstream'] })
  })
  if (!devices.has(plan.device)) out.push({ message: `the plan's device ${plan.device} is not among its devices`, path: ['device'] })
  plan.devices.forEach((d, i) => {
    if (d.at !== undefined && !switches.has(d.at))
      out.push({ message: `device ${d.name} sits at switch ${d.at}, which the platform does not declare`, path: ['devices', i, 'at'] })
    if (d.p2pMemory !== undefined && !d.pci)
      out.push({ message: `device ${d.name} is not a PCI device, so it provides no P2P memory (P2P memory is a PCI BAR)`, path: ['devices', i, 'p2pMemory'] })
  })
  plan.regions.forEach((r, i) => {
    const path = ['regions', i]
    if (r.bytes === 0n) out.push({ message: `region ${r.name} is empty; give it at least one byte`, path: [...path, 'bytes'] })
    if (r.offset >= PAGE_SIZE_N) out.push({ message: `region ${r.name} has offset 0x${r.offset.toString(16)}; the offset is the first byte's place within its 4 KiB page, below 0x1000`, path: [...path, 'offset'] })
    if (r.phys !== undefined && (r.phys & (PAGE_SIZE_N - 1n)) !== r.offset)
      out.push({ message: `region ${r.name} starts at physical 0x${r.phys.toString(16)}, whose offset within its page is not the region's offset 0x${r.offset.toString(16)}`, path: [...path, 'phys'] })
    if (r.phys !== undefined && r.phys + r.bytes - 1n > U64_MAX)
      out.push({ message: `region ${r.name} runs past the end of the 64-bit physical address space`, path: [...path, 'bytes'] })
    if (r.memory === 'p2p') {
      const provider = plan.devices.find((d) => d.name === r.provider)
      if (r.provider === undefined) out.push({ message: `P2P region ${r.name} names no provider device`, path: [...path, 'provider'] })
      else if (provider === undefined) out.push({ message: `P2P region ${r.name} comes from device ${r.provider}, which the plan does not declare`, path: [...path, 'provider'] })
      else if (provider.p2pMemory === undefined) out.push({ message: `P2P region ${r.name} comes from device ${r.provider}, which provides no P2P memory`, path: [...path, 'provider'] })
      if (r.encrypted) out.push({ message: `P2P region ${r.name} cannot be encrypted guest memory`, path: [...path, 'encrypted'] })
    } else if (r.encrypted && !plan.platform.coco) {
      // Only a confidential guest has private memory a device cannot read (docs/memory-kinds.md).
      out.push({ message: `region ${r.name} is encrypted guest memory, but the platform is not a confidential guest; set platform.coco, or leave the region unencrypted`, path: [...path, 'encrypted'] })
    } else if (r.provider !== undefined) {
      out.push({ message: `region ${r.name} is ${r.memory} memory and has no provider device`, path: [...path, 'provider'] })
    }
  })
  const hmmPages = new Map<string, number>()
  // By name, the first of a name winning as a scan of the list would (a plan of a million steps names regions a million times).
  const regionByName = new Map<string, (typeof plan.regions)[number]>()
  for (const r of plan.regions) if (!regionByName.has(r.name)) regionByName.set(r.name, r)
  plan.steps.forEach((s, i) => {
    const path = ['steps', i]
    const known = (name: string, ...keys: (string | number)[]) => {
      if (!regions.has(name)) out.push({ message: `step ${i + 1} (${s.op}) names region ${name}, which the plan does not declare`, path: [...path, ...keys] })
      return regionByName.get(name)
    }
    if (s.op === 'map') {
      s.regions.forEach((r, j) => known(r, 'regions', j))
      if (descriptor(s.strategy).perPage) hmmPages.set(s.tx, s.regions.reduce((n, r) => n + pagesOf(regionByName.get(r)), 0))
    }
    if (s.op === 'device-read' || s.op === 'device-write' || s.op === 'cpu-read' || s.op === 'cpu-write') {
      const r = known(s.region, 'region')
      const bytes = s.bytes === 0n && r !== undefined ? r.bytes - s.offset : s.bytes
      // An access to the region's end (bytes 0) that starts past it has no end to name.
      if (r !== undefined && s.offset >= r.bytes)
        out.push({ message: `step ${i + 1} (${s.op}) starts at byte 0x${s.offset.toString(16)} of region ${r.name}, which has 0x${r.bytes.toString(16)} bytes`, path: [...path, 'offset'] })
      else if (r !== undefined && s.offset + bytes > r.bytes)
        out.push({ message: `step ${i + 1} (${s.op}) touches bytes 0x${s.offset.toString(16)}..0x${(s.offset + bytes).toString(16)} of region ${r.name}, which has 0x${r.bytes.toString(16)} bytes`, path: [...path, 'offset'] })
    }
    if ((s.op === 'sync-for-cpu' || s.op === 'sync-for-device') && s.region !== undefined) known(s.region, 'region')
    if (s.op === 'unlink') known(s.region, 'region')
    if (s.op === 'hmm-fault' || s.op === 'hmm-invalidate') {
      const pages = hmmPages.get(s.tx)
      if (pages !== undefined && s.index >= pages)
        out.push({ message: `step ${i + 1} (${s.op}) names page ${s.index} of hmm transaction ${s.tx}, which mirrors ${pages} pages`, path: [...path, 'index'] })
    }
  })
  return out
}

/** Pages a region touches (hmm mirrors whole pages). */
export function pagesOf(region: { offset: bigint; bytes: bigint } | undefined): number {
  if (region === undefined) return 0
  return Number((region.offset + region.bytes + PAGE_SIZE_N - 1n) / PAGE_SIZE_N)
}

/** The plan type as zod decodes it must be the IR, field for field. */
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const _decodedIsPlan: Exact<Omit<Decoded, '$schema'>, DeepMutable<Plan>> = true
void _decodedIsPlan
type DeepMutable<T> = T extends bigint | string | number | boolean | undefined
  ? T
  : T extends readonly (infer E)[]
    ? DeepMutable<E>[]
    : { -readonly [K in keyof T]: DeepMutable<T[K]> }

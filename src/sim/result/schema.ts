/**
 * The simulation result: a stable, documented JSON document. 64-bit values
 * (addresses, sizes) are lower-case hex strings ("0x1000"), as in the plan
 * IR; counts are plain numbers. The TypeScript type is inferred from this
 * schema, so the in-memory result and its JSON are the same thing.
 */
import { z } from '../../vendor/zod.js'
import { STRATEGY_NAMES } from '../../strategies/index.js'

import { SIM_RESULT_FORMAT } from './format.js'

export { SIM_RESULT_FORMAT } from './format.js'

const hex64 = z
  .string()
  .regex(/^0x[0-9a-f]{1,16}$/)
  .meta({ description: '64-bit value as a lower-case hex string' })
const argValue = z.union([z.string(), z.number(), z.boolean(), z.null()])

export const kernelCallSchema = z
  .object({
    seq: z.number().int().meta({ description: 'position among all kernel calls of the run (1-based)' }),
    fn: z.string().meta({ description: 'kernel function, e.g. dma_iova_link' }),
    step: z.number().int().optional().meta({ description: 'the plan step (0-based) that made the call; absent for calls at unbind' }),
    args: z.record(z.string(), argValue).meta({ description: 'arguments; addresses and sizes as hex strings, directions and attributes by name' }),
    ret: argValue.meta({ description: 'return value (hex string for addresses, number for errors and counts, boolean, or null for void)' }),
    errno: z.string().optional().meta({ description: 'the error the result stands for (-ENOMEM, DMA_MAPPING_ERROR, BLK_STS_RESOURCE ...)' }),
    injected: z.boolean().optional().meta({ description: 'the fault injector made this call fail' }),
    repeat: z
      .object({ count: z.number().int(), lastArgs: z.record(z.string(), argValue), lastRet: argValue })
      .optional()
      .meta({ description: 'a per-page loop folded into one record: how many calls, and the last one' }),
  })
  .meta({ description: 'one driver-visible kernel call' })

export const hwSegmentSchema = z
  .object({
    dma: hex64,
    len: hex64,
    entries: z.number().int().meta({ description: 'descriptors this entry stands for (HMM: DMA-contiguous pages)' }),
    first: z.number().int().meta({ description: 'index of its first descriptor (HMM: page index)' }),
    repeat: z
      .number()
      .int()
      .min(2)
      .optional()
      .meta({ description: 'a run: this entry and repeat - 1 more of the same length, each starting where the one before ends (first advancing by entries)' }),
  })
  .meta({ description: 'an entry of the hardware scatter-gather list the device is programmed with, or a run of equal, contiguous entries' })

export const countersSchema = z
  .object({
    iovaPages: z.number().int().meta({ description: 'IOVA granules allocated (after power-of-two rounding and padding)' }),
    pteWrites: z.number().int().meta({ description: 'leaf IOMMU page-table entries written (set or cleared)' }),
    iotlbSyncs: z.number().int().meta({ description: 'ranged IOTLB invalidations (strict unmaps, dma_iova_unlink)' }),
    iotlbFlushAll: z.number().int().meta({ description: 'full IOTLB flushes (lazy flush queue)' }),
    syncMaps: z.number().int().meta({ description: 'iommu_sync_map() calls' }),
    bounceSlots: z.number().int().meta({ description: 'swiotlb slots (2 KiB) allocated' }),
    bounceBytesToDevice: z.number().int().meta({ description: 'bytes copied into bounce slots' }),
    bounceBytesToCpu: z.number().int().meta({ description: 'bytes copied back from bounce slots' }),
    cacheMaintenance: z.number().int().meta({ description: 'arch_sync_dma_for_device/cpu() calls' }),
  })
  .meta({ description: 'what the kernel did' })

export const findingSchema = z
  .object({
    id: z.string().meta({ description: 'the fact: D1-D22 (dma-debug), K-R*, K-S*, K-P*, K-C* (kernel facts), or DMAR, DATA, DMA, LEAK, MAP, IOVA, TRACE-ADDR and TRACE-ORDER (a plan imported from a trace)' }),
    severity: z.enum(['error', 'warning', 'info']),
    source: z
      .enum(['dma-debug', 'iommu', 'kernel', 'swiotlb', 'dmaplan', 'data'])
      .meta({ description: "who reports it: the kernel's checkers, or dmaplan's own checks of what the kernel does not track" }),
    message: z.string(),
    tx: z.string().optional(),
    step: z.number().int().optional().meta({ description: 'index of the plan step' }),
  })
  .meta({ description: 'a finding' })

export const dataErrorSchema = z
  .object({
    step: z.number().int(),
    op: z.enum(['device-read', 'cpu-read']),
    tx: z.string().optional().meta({ description: 'the transaction a device read went through; for a CPU read, the last transaction that mapped the region (absent if none did)' }),
    region: z.string(),
    offset: hex64,
    bytes: hex64,
    mismatches: z.number().int().meta({ description: 'bytes that differ from what the plan expects' }),
    firstMismatch: hex64.meta({ description: 'region offset of the first differing byte' }),
    expected: z.number().int().meta({ description: 'expected value of that byte' }),
    got: z.number().int().meta({ description: 'value seen' }),
  })
  .meta({ description: 'a read that did not see the bytes the plan expects' })

export const dataSchema = z.object({ checks: z.number().int().meta({ description: 'reads compared' }), errors: z.array(dataErrorSchema) })

export const allocationsSchema = z
  .object({
    iova: z.array(
      z.object({
        start: hex64,
        len: hex64.meta({ description: 'as the allocator reserved it: whole granules, rounded up to a power of two where the IOVA caches serve the size' }),
        call: z.string().optional().meta({ description: 'the kernel call that allocated it (the first, for a run a loop allocated)' }),
      }),
    ),
    swiotlb: z.array(
      z.object({
        slot: z.number().int().meta({ description: 'index of the first slot in the pool' }),
        slots: z.number().int(),
        addr: hex64.meta({ description: 'bounce address of the original\'s first byte' }),
        orig: hex64.meta({ description: 'physical address of the original memory the slots bounce' }),
        size: hex64,
        call: z.string().optional(),
      }),
    ),
  })
  .meta({ description: 'what the transaction allocated, recorded where the kernel allocates it; a run a loop allocated piece by piece is one entry' })

export const transactionSchema = z
  .object({
    name: z.string(),
    strategy: z.enum(STRATEGY_NAMES),
    dir: z.enum(['to-device', 'from-device', 'bidirectional']),
    attrs: z.array(z.string()),
    status: z.enum(['mapped', 'failed', 'unmapped', 'kept']).meta({ description: 'state at the end of the plan' }),
    error: z.string().optional().meta({ description: 'why mapping failed' }),
    path: z.string().meta({ description: 'which kernel path mapped it (iova, fallback, sg coalescing, bounce ...)' }),
    calls: z.array(kernelCallSchema),
    segments: z.array(hwSegmentSchema),
    counters: countersSchema,
    allocations: allocationsSchema,
    metadataBytes: z.number().int().meta({ description: 'bytes of sg_table/scatterlist, IOVA state or address lists describing the mapping' }),
    stateBytes: z.number().int().meta({ description: 'bytes of per-page simulated state the mapping holds (HMM arrays)' }),
    data: dataSchema,
  })
  .meta({ description: 'one transaction of the plan' })

export const simResultSchema = z
  .object({
    format: z.literal(SIM_RESULT_FORMAT),
    plan: z.string(),
    ok: z.boolean().meta({ description: 'no error-severity finding and no data error' }),
    aborted: z.string().optional().meta({ description: 'the run stopped at a kernel BUG()' }),
    kernel: z.string(),
    platform: z.object({
      iommu: z.enum(['translated', 'passthrough', 'none']),
      granule: z.number().int(),
      flush: z.enum(['strict', 'lazy']),
      ram: z.array(z.object({ start: hex64, end: hex64 })),
      swiotlb: z.object({ base: hex64, slots: z.number().int(), force: z.boolean() }).nullable(),
      coco: z.boolean(),
    }),
    device: z.object({
      name: z.string(),
      bdf: z.string(),
      path: z.enum(['iommu', 'direct']),
      dmaMask: hex64,
      coherent: z.boolean(),
      untrusted: z.boolean(),
    }),
    regions: z.array(
      z.object({
        name: z.string(),
        phys: hex64,
        bytes: hex64,
        kind: z.enum(['normal', 'p2p-bus', 'p2p-host-bridge', 'p2p-unsupported', 'encrypted']),
        placed: z.enum(['plan', 'model']),
      }),
    ),
    transactions: z.array(transactionSchema),
    driverCalls: z.array(kernelCallSchema).meta({ description: "calls the driver makes outside any transaction (the driver steps' dma_set_*())" }),
    findings: z.array(findingSchema),
    dmesg: z.array(z.string()).meta({ description: 'what the kernel would have printed' }),
    data: dataSchema,
    totals: countersSchema,
    teardown: z
      .object({
        liveIovaPages: z.number().int().meta({ description: 'IOVA granules still allocated to mappings' }),
        cachedIovaRanges: z.number().int().meta({ description: 'freed IOVA ranges held by the rcache magazines' }),
        queuedIovaRanges: z.number().int().meta({ description: 'IOVA ranges waiting in the flush queue' }),
        livePtes: z.number().int(),
        bounceSlots: z.number().int(),
        dmaDebugEntries: z.number().int(),
        keptTransactions: z.array(z.string()),
      })
      .meta({ description: 'what is left after the plan (kept transactions own some of it)' }),
    faultInjection: z
      .object({
        failAtCall: z.number().int().optional(),
        injectedCallSeq: z.number().int().optional(),
        exhaustIova: z.boolean(),
        swiotlbFull: z.boolean(),
        p2pUnsupported: z.boolean(),
      })
      .meta({ description: 'the fault injection of the run' }),
    clockMs: z.number().meta({ description: 'simulated time at the end' }),
    peakIovaGranules: z.number().int().meta({ description: 'the most IOVA granules live mappings held at once' }),
  })
  .meta({ title: 'dmaplan simulation result', description: 'The outcome of simulating a DMA transaction plan on a model of the Linux DMA layer.' })

export type SimResult = z.output<typeof simResultSchema>
export type TransactionResult = z.output<typeof transactionSchema>
export type DataError = z.output<typeof dataErrorSchema>
export type SimKernelCall = z.output<typeof kernelCallSchema>

/** The JSON Schema of the result (draft 2020-12), for tools that do not read zod. */
export function simResultJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(simResultSchema) as Record<string, unknown>
}

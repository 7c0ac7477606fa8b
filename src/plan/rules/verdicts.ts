/**
 * Which memory kind each strategy accepts, as one table read by both the
 * run-time validator and the type-level check (through `typeof`). Each row is
 * its strategy's descriptor (src/strategies/<name>/index.ts). A cell names
 * the rule a region of that kind breaks under that strategy; 'ok' means the
 * strategy maps it (subject to R2 and R6, which depend on the other regions
 * of the transaction).
 *
 * The cells encode the order in which the rules are tested: an unreachable
 * peer is R4 whatever the strategy; bus-address memory never enters an IOVA
 * or swiotlb (R3); the p2p-bus strategy takes nothing else (R3); private
 * guest memory cannot be linked or HMM-mapped (R5); coherent allocations are
 * host memory (R2); host-bridge P2P in an IOVA range needs DMA_ATTR_MMIO (R9,
 * decided by the kernel version).
 */
import { DESCRIPTORS } from '../../strategies/index.js'
import type { DescriptorOf, StrategyName } from '../../strategies/index.js'

export type { KindVerdict } from '../../strategies/index.js'

export const KIND_VERDICTS = Object.fromEntries(DESCRIPTORS.map((d) => [d.name, d.verdicts])) as unknown as {
  readonly [S in StrategyName]: DescriptorOf[S]['verdicts']
}

export type KindVerdicts = typeof KIND_VERDICTS

/** Strategies whose transaction is one IOVA range, one scatterlist or one request: one memory kind (R2). */
export const UNIFORM = Object.fromEntries(DESCRIPTORS.map((d) => [d.name, d.uniform])) as unknown as {
  readonly [S in StrategyName]: DescriptorOf[S]['uniform']
}
export type Uniform = { [S in keyof typeof UNIFORM]: (typeof UNIFORM)[S] extends true ? S : never }[keyof typeof UNIFORM]

/**
 * Which memory kind each strategy accepts, as one table read by both the
 * run-time validator and the type-level check (through `typeof`). A cell
 * names the rule a region of that kind breaks under that strategy; 'ok' means
 * the strategy maps it (subject to R2 and R6, which depend on the other
 * regions of the transaction).
 *
 * The cells encode the order in which the rules are tested: an unreachable
 * peer is R4 whatever the strategy; bus-address memory never enters an IOVA
 * or swiotlb (R3); the p2p-bus strategy takes nothing else (R3); private
 * guest memory cannot be linked or HMM-mapped (R5); coherent allocations are
 * host memory (R2); host-bridge P2P in an IOVA range needs DMA_ATTR_MMIO (R9,
 * decided by the kernel version).
 */
export type KindVerdict = 'ok' | 'unreachable' | 'bus' | 'bus-only' | 'encrypted' | 'coherent-host' | 'mmio'

export const KIND_VERDICTS = {
  iova: { normal: 'ok', 'p2p-bus': 'bus', 'p2p-host-bridge': 'mmio', 'p2p-unsupported': 'unreachable', encrypted: 'encrypted' },
  page: { normal: 'ok', 'p2p-bus': 'bus', 'p2p-host-bridge': 'ok', 'p2p-unsupported': 'unreachable', encrypted: 'ok' },
  sg: { normal: 'ok', 'p2p-bus': 'ok', 'p2p-host-bridge': 'ok', 'p2p-unsupported': 'unreachable', encrypted: 'ok' },
  'p2p-bus': { normal: 'bus-only', 'p2p-bus': 'ok', 'p2p-host-bridge': 'bus-only', 'p2p-unsupported': 'unreachable', encrypted: 'bus-only' },
  hmm: { normal: 'ok', 'p2p-bus': 'ok', 'p2p-host-bridge': 'ok', 'p2p-unsupported': 'unreachable', encrypted: 'encrypted' },
  blk: { normal: 'ok', 'p2p-bus': 'ok', 'p2p-host-bridge': 'ok', 'p2p-unsupported': 'unreachable', encrypted: 'ok' },
  coherent: { normal: 'ok', 'p2p-bus': 'bus', 'p2p-host-bridge': 'coherent-host', 'p2p-unsupported': 'unreachable', encrypted: 'ok' },
  auto: { normal: 'ok', 'p2p-bus': 'ok', 'p2p-host-bridge': 'ok', 'p2p-unsupported': 'unreachable', encrypted: 'ok' },
} as const satisfies Record<string, Record<string, KindVerdict>>

export type KindVerdicts = typeof KIND_VERDICTS

/** Strategies whose transaction is one IOVA range, one scatterlist or one request: one memory kind (R2). */
export const UNIFORM = { iova: true, page: true, sg: true, blk: true, 'p2p-bus': false, hmm: false, coherent: false, auto: false } as const
export type Uniform = { [S in keyof typeof UNIFORM]: (typeof UNIFORM)[S] extends true ? S : never }[keyof typeof UNIFORM]

/**
 * What a region is for one device that maps it, decided from the platform's
 * topology as the kernel decides it (src/plan/topology.ts resolveKind();
 * docs/memory-kinds.md). The plan's base vocabulary: it imports nothing, so
 * the IR, the rules and the strategy descriptors can all speak it.
 */
export type MemoryKind = 'normal' | 'p2p-bus' | 'p2p-host-bridge' | 'p2p-unsupported' | 'encrypted'

/**
 * Every rule's sentences under one name, for the checks that speak several
 * rules (src/dsl/types, validate.ts): the shared words, then each rule's own
 * file.
 */
export * from './words.js'
export * from './r1-iova-needs-iommu.js'
export * from './r2-one-memory-kind.js'
export * from './r3-bus-address-p2p.js'
export * from './r4-unreachable-p2p.js'
export * from './r5-encrypted-bounces.js'
export * from './r6-iova-granule.js'
export * from './r7-direction-ownership.js'
export * from './r8-lifecycle.js'
export * from './r9-kernel-features.js'
export * from './r10-blk-one-way.js'
export * from './r11-coherent-own-region.js'

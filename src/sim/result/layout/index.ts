/** The layout of a transaction for drawing it: see tx-layout.ts. */
export { txLayout, txRegionNames } from './tx-layout.js'
export { swiotlbPool } from './bounce-slots.js'
export type { TxLayout, PhysRange, SwiotlbPool, BounceSlots, IovaRange, Segment, Piece, End, Link, LinkKind, Route, Band, RegionKind, DeviceView, Span } from './types.js'

/**
 * dmaplan: typed Linux DMA transaction plans.
 *
 * The DSL (platform(), devices, regions, the plan builder) produces the plan
 * IR; the IR can also be loaded from JSON. Both are checked against
 * every rule with the same sentences.
 */
export { platform } from './dsl/platform.js'
export type { Platform, Device, AnyDevice } from './dsl/platform.js'
export type { PlanBuilder, AnyPlanBuilder } from './dsl/builder.js'
export type { Region, AnyRegion, RegionSource } from './dsl/region.js'
export type { PlatformSpec, DeviceSpec, RamSpec, RangeSpec, TxOptions, ByteRange, IommuSpec, SwitchSpec, U64 } from './dsl/spec.js'
export type { DmaRuleError } from './dsl/types/checks.js'
export type { Alignment } from './dsl/types/arith.js'
export { PlanRuleError, PlanShapeError } from './dsl/errors.js'
export * from './plan/index.js'

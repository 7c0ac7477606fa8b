/** Every target by name. A new target is a new directory here and a line below. */
import type { Plan } from '../../plan/ir.js'
import type { CodegenModel } from '../model.js'
import type { GenerateOptions, Target } from '../options.js'
import { harnessPlan, renderHarness } from './harness/index.js'
import { renderModule } from './module/index.js'
import { renderPseudo } from './pseudo/index.js'
import { renderSimTs } from './sim-ts/index.js'

export type TargetRenderer = (model: CodegenModel, options: GenerateOptions) => Map<string, string>

export const TARGET_RENDERERS: Readonly<Record<Target, TargetRenderer>> = {
  module: renderModule,
  harness: renderHarness,
  pseudo: renderPseudo,
  'sim-ts': renderSimTs,
}

/** Targets that run a plan of their own, made from the given one before the rules are checked. */
export const TARGET_PLANS: Readonly<Partial<Record<Target, (plan: Plan) => Plan>>> = {
  harness: harnessPlan,
}

/** Every target by name. A new target is a new directory here and a line below. */
import type { CodegenModel } from '../model.js'
import type { GenerateOptions, Target } from '../options.js'
import { renderModule } from './module/index.js'
import { renderPseudo } from './pseudo/index.js'
import { renderSimTs } from './sim-ts/index.js'

export type TargetRenderer = (model: CodegenModel, options: GenerateOptions) => Map<string, string>

export const TARGET_RENDERERS: Readonly<Record<Target, TargetRenderer>> = {
  module: renderModule,
  pseudo: renderPseudo,
  'sim-ts': renderSimTs,
}

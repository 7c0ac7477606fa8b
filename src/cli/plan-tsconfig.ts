/**
 * The compiler options a plan is type-checked with, as the rules are tested
 * (strict, NodeNext, no ambient types), in tsconfig.json form: `check` hands
 * them to the native compiler, converts them for the TypeScript 6 API, and
 * `dmaplan init` writes them into a plans project; the benchmarks use them too.
 */
import { PACKAGE_TYPES } from '../runtime/package-root.js'

export const PLAN_COMPILER_OPTIONS = {
  target: 'es2022',
  module: 'nodenext',
  moduleResolution: 'nodenext',
  strict: true,
  skipLibCheck: true,
  types: [] as string[],
} as const

/** The options with 'dmaplan' resolving to this installation's types, wherever the plan lives. */
export function planCompilerOptions(types: string = PACKAGE_TYPES): typeof PLAN_COMPILER_OPTIONS & { readonly paths: { readonly dmaplan: readonly string[] } } {
  return { ...PLAN_COMPILER_OPTIONS, paths: { dmaplan: [types] } }
}

/**
 * The code generator: a plan to kernel C (target module, or harness for
 * conformance runs on QEMU), to a readable rendering (pseudo), or to a
 * TypeScript module of the plan (sim-ts).
 *
 * @example
 * import { generate } from './codegen/index.js'
 * const files = generate(plan, { target: 'module', strategy: 'iova', kernel: '7.0' })
 * for (const [path, text] of files) writeFileSync(join(out, path), text)
 */
export { generate } from './generate.js'
export type { GenerateOptions, GeneratedFiles, Target } from './options.js'
export { TARGETS } from './options.js'
export { CodegenError, PlanRuleError, PlanShapeError } from './errors.js'
export { harnessPlan, HARNESS_SCRATCH } from './targets/harness/index.js'
export { clangFormat, clangFormatBinary, clangFormatRuns, CLANG_FORMAT_CONFIG } from './c/clang-format.js'

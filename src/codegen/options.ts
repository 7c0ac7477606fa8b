/**
 * What generate() takes and gives back.
 */
import type { Strategy } from '../plan/ir.js'
import type { KernelVersion } from '../plan/kernel.js'

/**
 * module: a kbuild directory; harness: the same driver driving QEMU's edu
 * device and reporting what the kernel did (test/kernel); pseudo: a readable
 * rendering; sim-ts: the plan as a DSL module.
 */
export type Target = 'module' | 'harness' | 'pseudo' | 'sim-ts'
export const TARGETS: readonly Target[] = ['module', 'harness', 'pseudo', 'sim-ts']

export interface GenerateOptions {
  readonly target: Target
  /** Map every transaction with this strategy instead of its own (the rules must still hold). */
  readonly strategy?: Strategy
  /** Target this kernel instead of the plan's. */
  readonly kernel?: KernelVersion
  /**
   * Module target: when to run clang-format over the C. 'auto' (the default)
   * runs it only when a line would pass 80 columns, where the generator's own
   * layout may differ from clang-format's; 'always' runs it on every file;
   * 'never' leaves the generator's layout as it is.
   */
  readonly clangFormat?: 'auto' | 'always' | 'never'
  /**
   * Write the C of a plan that breaks rules only the run time checks
   * (RuleInfo.runTimeOnly, such as R12), which the kernel itself refuses at
   * run time: for a harness that is there to show the kernel refusing it.
   * Every other rule must still hold.
   */
  readonly kernelRefuses?: boolean
}

/** Relative path to contents, in a fixed order; the same plan and options give the same bytes. */
export type GeneratedFiles = ReadonlyMap<string, string>

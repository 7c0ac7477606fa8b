/** The --kernel option of the verbs that take one: a release the model knows. */
import { KERNEL_VERSIONS } from '../plan/kernel.js'
import type { KernelVersion } from '../plan/kernel.js'
import { UsageError } from './errors.js'

export function kernelOption(value: string | boolean | undefined): KernelVersion | undefined {
  const kernel = value as KernelVersion | undefined
  if (kernel !== undefined && !KERNEL_VERSIONS.includes(kernel)) throw new UsageError(`--kernel is one of ${KERNEL_VERSIONS.join(', ')}, not ${String(kernel)}`)
  return kernel
}

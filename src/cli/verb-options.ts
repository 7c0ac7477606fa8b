/**
 * The options each verb takes, apart from the verbs themselves: the command
 * line parses its arguments before it loads the one verb it runs.
 */
import type { ParseArgsConfig } from 'node:util'

type Options = NonNullable<ParseArgsConfig['options']>

export const GEN_OPTIONS: Options = {
  out: { type: 'string' },
  strategy: { type: 'string' },
  kernel: { type: 'string' },
  target: { type: 'string', default: 'module' },
  force: { type: 'boolean', default: false },
}

export const SIMULATE_OPTIONS: Options = {
  'fail-at-call': { type: 'string' },
  'exhaust-iova': { type: 'boolean', default: false },
  'swiotlb-full': { type: 'boolean', default: false },
  'p2p-unsupported': { type: 'boolean', default: false },
  debug: { type: 'boolean', default: false },
  'debug-entries': { type: 'string' },
  unbind: { type: 'boolean', default: false },
}

export const SIMULATE_ONLY_OPTIONS: Options = {
  ...SIMULATE_OPTIONS,
  html: { type: 'string' },
  force: { type: 'boolean', default: false },
}

export const IMPORT_OPTIONS: Options = {
  out: { type: 'string' },
  force: { type: 'boolean', default: false },
  platform: { type: 'string' },
  kernel: { type: 'string' },
  device: { type: 'string' },
  name: { type: 'string' },
  'dma-mask': { type: 'string' },
  probes: { type: 'boolean', default: false },
}

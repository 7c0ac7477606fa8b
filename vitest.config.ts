import { defineConfig } from 'vitest/config'

/**
 * Three projects, by what a test really runs:
 * - kernel: boots QEMU on real kernels (test/kernel).
 * - cli: spawns processes: the built command line (needs `npm run build`),
 *   clang-format, the kernel's kbuild, sparse and checkpatch, a second
 *   TypeScript compiler, chromium.
 * - unit: everything else, in the worker only; `npm run test:unit`. No unit
 *   test mocks modules or changes globals, so its files share threads and
 *   module caches (isolate: false): the sources are loaded once per worker,
 *   not once per file. `npm run test:unit` asks for two workers: on a
 *   two-core machine vitest's default is one.
 */
const CLI = [
  'test/cli/**/*.test.ts',
  'test/codegen/format.test.ts',
  'test/codegen/kbuild.test.ts',
  'test/types/diagnostics.test.ts',
  'test/report/browser.test.ts',
]
const KERNEL = ['test/kernel/**/*.test.ts']

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...CLI, ...KERNEL], pool: 'threads', isolate: false },
      },
      { extends: true, test: { name: 'cli', include: CLI } },
      { extends: true, test: { name: 'kernel', include: KERNEL } },
    ],
  },
})

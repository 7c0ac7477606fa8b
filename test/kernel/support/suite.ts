/** What the real-kernel suites (../suites) share: runs that wait for the build, the output kept on failure, the runs that settled. */
import { rmSync } from 'node:fs'
import type { Built } from './build.js'

/** A job on one built module, started once the build is done; its failure waits for the test that awaits it (never unhandled). */
export function afterBuild<T>(build: Promise<Built>, module: string, job: (ko: string, built: Built) => Promise<T>): Promise<T> {
  const run = build.then((b) => {
    const ko = b.modules.get(module)
    if (ko === undefined) throw new Error(`${module}.ko was not built`)
    return job(ko, b)
  })
  run.catch(() => {})
  return run
}

/** The suite's directory: removed when nothing failed (unless DMAPLAN_KEEP_KERNEL), kept and named otherwise. */
export function keepOnFailure(root: string, failed: readonly string[]): void {
  if (failed.length === 0 && !process.env.DMAPLAN_KEEP_KERNEL) rmSync(root, { recursive: true, force: true })
  else console.log(`kernel test output kept in ${root}`)
}

/** The runs that finished, with their keys, in order. */
export async function finished<K, T>(runs: ReadonlyMap<K, Promise<T>>): Promise<[K, T][]> {
  const settled = await Promise.allSettled([...runs].map(async ([k, run]): Promise<[K, T]> => [k, await run]))
  return settled.filter((x): x is PromiseFulfilledResult<[K, T]> => x.status === 'fulfilled').map((x) => x.value)
}

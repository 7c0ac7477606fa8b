/**
 * Writing what a verb produces: never over something that exists unless the
 * user said --force, and atomically (a temporary file in the same directory,
 * then a rename), so a reader never sees half a file.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { InputError } from './errors.js'
import { showPath } from './location.js'

async function exists(path: string): Promise<'file' | 'dir' | false> {
  try {
    return (await stat(path)).isDirectory() ? 'dir' : 'file'
  } catch {
    return false
  }
}

/**
 * A directory and the missing ones above it, one mkdir() at a time, each
 * failure one sentence. Not mkdir({ recursive: true }): under a file system
 * that refuses new entries with ENOENT (/proc) Node's recursive mkdir
 * retries for ever.
 */
export async function makeDirs(dir: string): Promise<void> {
  const missing: string[] = []
  let d = resolve(dir)
  let kind = await exists(d)
  while (kind === false && dirname(d) !== d) {
    missing.push(d)
    d = dirname(d)
    kind = await exists(d)
  }
  if (kind === 'file') throw new InputError(`${showPath(d)} is a file, not a directory`)
  for (const m of missing.reverse()) {
    try {
      await mkdir(m)
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'EEXIST' && (await exists(m)) === 'dir') continue
      throw new InputError(`${showPath(m)} cannot be made (${code ?? 'error'})`)
    }
  }
}

/** A file to write: refused when it is a directory, or exists and the user did not say --force; its directory made. */
export async function prepareTarget(path: string, force: boolean): Promise<void> {
  const kind = await exists(path)
  if (kind === 'dir') throw new InputError(`${showPath(path)} is a directory; give a file name`)
  if (kind === 'file' && !force) throw new InputError(`${showPath(path)} exists; add --force to overwrite it`)
  await makeDirs(dirname(path))
}

/**
 * A finished temporary file in the target's directory renamed over the
 * target; checked again first (a long write gives another program time to
 * create it). The temporary file is deleted if anything fails.
 */
export async function moveIntoPlace(tmp: string, path: string, force: boolean): Promise<void> {
  try {
    await prepareTarget(path, force)
    await rename(tmp, path)
  } catch (e) {
    await rm(tmp, { force: true })
    if (e instanceof InputError) throw e
    throw new InputError(`${showPath(path)} cannot be written (${(e as NodeJS.ErrnoException).code ?? 'error'})`)
  }
}

export async function writeFileAtomic(path: string, contents: string | Uint8Array, force: boolean): Promise<void> {
  await prepareTarget(path, force)
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await writeFile(tmp, contents)
  } catch (e) {
    await rm(tmp, { force: true })
    throw new InputError(`${showPath(path)} cannot be written (${(e as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  await moveIntoPlace(tmp, path, force)
}

/** A directory of generated files: refused when it holds anything already, unless --force. */
export async function writeTree(dir: string, files: ReadonlyMap<string, string>, force: boolean): Promise<void> {
  const kind = await exists(dir)
  if (kind === 'file') throw new InputError(`${showPath(dir)} is a file; --out takes a directory`)
  if (kind === 'dir' && !force && (await readdir(dir)).length > 0) throw new InputError(`${showPath(dir)} is not empty; add --force to write over it`)
  for (const [path, contents] of [...files].sort(([a], [b]) => a.localeCompare(b))) await writeFileAtomic(join(dir, path), contents, true)
}

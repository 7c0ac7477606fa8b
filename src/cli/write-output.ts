/**
 * Writing what a verb produces: never over something that exists unless the
 * user said --force, and atomically (a temporary file in the same directory,
 * then a rename), so a reader never sees half a file. A directory of files
 * is written whole to a hidden staging directory inside it first, then
 * moved into place file by file, an interrupt held off until the last
 * (interrupt.ts): a failure while writing (a full disk) or an interrupt
 * leaves the old files.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { InputError } from './errors.js'
import { whileWriting } from './interrupt.js'
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

/** A temporary name beside path, hidden. */
const temporary = (path: string) => join(dirname(path), `.dmaplan-${randomBytes(6).toString('hex')}.tmp`)

const cannotWrite = (path: string, e: unknown) => new InputError(`${showPath(path)} cannot be written (${(e as NodeJS.ErrnoException).code ?? 'error'})`)

export async function writeFileAtomic(path: string, contents: string | Uint8Array, force: boolean): Promise<void> {
  await prepareTarget(path, force)
  const tmp = temporary(path)
  await whileWriting(async (stopIfInterrupted) => {
    try {
      try {
        await writeFile(tmp, contents)
      } catch (e) {
        throw cannotWrite(path, e)
      }
      stopIfInterrupted()
      await moveIntoPlace(tmp, path, force)
    } finally {
      await rm(tmp, { force: true })
    }
  })
}

/** A directory of generated files: refused when it holds anything already, unless --force; all old or all new after any failure. */
export async function writeTree(dir: string, files: ReadonlyMap<string, string>, force: boolean): Promise<void> {
  const kind = await exists(dir)
  if (kind === 'file') throw new InputError(`${showPath(dir)} is a file; --out takes a directory`)
  if (kind === 'dir' && !force && (await readdir(dir)).length > 0) throw new InputError(`${showPath(dir)} is not empty; add --force to write over it`)
  const paths = [...files.keys()].sort((a, b) => a.localeCompare(b))
  // Refused before anything is written: a generated file's name that is a directory there.
  for (const path of paths) if ((await exists(join(dir, path))) === 'dir') throw new InputError(`${showPath(join(dir, path))} is a directory; remove it or write elsewhere`)
  await makeDirs(dir)
  const staging = temporary(join(dir, 'files'))
  await whileWriting(async (stopIfInterrupted) => {
    try {
      for (const path of paths) {
        stopIfInterrupted()
        const file = join(staging, path)
        try {
          await mkdir(dirname(file), { recursive: true })
          await writeFile(file, files.get(path) as string)
        } catch (e) {
          throw cannotWrite(join(dir, path), e)
        }
      }
      stopIfInterrupted()
      // Every file is written: renames (which need no space) put them in place, with no check between them.
      for (const path of paths) {
        try {
          await mkdir(dirname(join(dir, path)), { recursive: true })
          await rename(join(staging, path), join(dir, path))
        } catch (e) {
          throw cannotWrite(join(dir, path), e)
        }
      }
    } finally {
      await rm(staging, { recursive: true, force: true })
    }
  })
}

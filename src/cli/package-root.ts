/** The installed dmaplan package (dist/cli/*.js lives two levels below it). */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const PACKAGE_ENTRY = join(PACKAGE_ROOT, 'dist', 'index.js')
export const PACKAGE_TYPES = join(PACKAGE_ROOT, 'dist', 'index.d.ts')

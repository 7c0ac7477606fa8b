/** Where templates/ is: at the top of the package (src/runtime/package-root.ts). */
import { join } from 'node:path'
import { PACKAGE_ROOT } from '../../runtime/package-root.js'

export const TEMPLATES_DIR = join(PACKAGE_ROOT, 'templates')

/**
 * docs/kernel-releases.md, written from the release list and the change
 * table (kernel.ts, kernel-changes.ts) so that the facts have one home;
 * `npm run schema` writes it and a test keeps the committed copy current.
 */
import { DEFAULT_KERNEL, KERNEL_VERSIONS } from './kernel.js'
import type { KernelChange } from './kernel-changes.js'
import { KERNEL_CHANGE_IDS, KERNEL_CHANGES, KERNEL_FEATURES } from './kernel-changes.js'

const window = (c: KernelChange): string => (c.last === undefined ? `${c.first} –` : c.first === c.last ? c.first : `${c.first} – ${c.last}`)
const commits = (c: KernelChange): string => [c.commit, c.ended ? `ended by ${c.ended}` : undefined].filter((x) => x !== undefined).join(', ') || '–'
const cell = (s: string): string => s.replace(/\|/g, '\\|')

export function kernelReleasesMarkdown(): string {
  const rows = (quirk: boolean) =>
    KERNEL_CHANGE_IDS.filter((id) => ('quirk' in KERNEL_CHANGES[id]) === quirk).map((id) => {
      const c: KernelChange = KERNEL_CHANGES[id]
      return `| \`${id}\` | ${window(c)} | ${cell(c.what)} | ${cell(c.where)} | ${commits(c)} |`
    })
  const head = ['| id | releases | what a driver sees | where | commits |', '|---|---|---|---|---|']
  return [
    '# Kernel releases',
    '',
    '<!-- Written by `npm run schema` from src/plan/kernel.ts and src/plan/kernel-changes.ts; edit those. -->',
    '',
    `A plan names the release it targets (\`kernel: '6.14'\`); without one it targets the newest, ${DEFAULT_KERNEL}.`,
    `dmaplan models every release from the long-term 6.12 on: ${KERNEL_VERSIONS.join(', ')}.`,
    'A release behaves as the entries below whose window holds it. The windows are mainline releases,',
    'read from the kernel sources (Debian\'s linux-source trees of 6.12, 7.2 and 7.3, and the commits of',
    'the releases between); a fix that a stable kernel took earlier is named in the entry, and a',
    'simulation of such a kernel says so with `SimOptions.changes`. Every entry has a test in',
    'test/ whose name starts with its id, and the conformance suite checks the two releases it can',
    'boot (test/kernel/README.md).',
    '',
    '## Driver-facing APIs (rule R9)',
    '',
    '| feature | since | what |',
    '|---|---|---|',
    ...Object.entries(KERNEL_FEATURES).map(([id, f]) => `| \`${id}\` | ${f.since} | ${cell(f.what)} |`),
    '',
    '## Changes in the DMA layer',
    '',
    ...head,
    ...rows(false),
    '',
    '## Kernel bugs the model reproduces',
    '',
    'Each is on for the releases that have it; `SimOptions.changes` turns one off for a kernel with a backported fix.',
    '',
    ...head,
    ...rows(true),
    '',
  ].join('\n')
}

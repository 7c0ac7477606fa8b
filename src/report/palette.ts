/**
 * Colours. Each region of a transaction keeps one colour through every
 * band, so the eye can follow its bytes from physical memory to the
 * device's list. Orange is kept for swiotlb and red for errors.
 */
const REGION_COLORS = ['#3b6fb6', '#3f9a4a', '#8e5bb0', '#1f8f8a', '#b8872a', '#c2508a', '#6b7f2a', '#5a6b8c', '#9c6b4e', '#2f7fd0']

export const regionColor = (i: number): string => REGION_COLORS[i % REGION_COLORS.length] ?? '#3b6fb6'

export const COLORS = {
  ink: '#1d232b',
  muted: '#5d6876',
  faint: '#c9d0d8',
  axis: '#7a8594',
  bounce: '#d9730d',
  bounceFill: '#fde7cf',
  iova: '#24618f',
  iovaFill: '#eef4fa',
  segment: '#1d232b',
  segmentFill: '#ffffff',
  error: '#c62828',
  warning: '#b26a00',
  info: '#2e6da4',
  bus: '#7b3fa0',
} as const

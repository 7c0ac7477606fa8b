/** The first index at which pred stops holding, pred holding for a prefix of xs: a binary search (C++'s std::partition_point). */
export function partitionPoint<T>(xs: readonly T[], pred: (x: T) => boolean): number {
  let lo = 0
  let hi = xs.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (pred(xs[mid] as T)) lo = mid + 1
    else hi = mid
  }
  return lo
}

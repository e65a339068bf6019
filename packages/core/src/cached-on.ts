/** `compute(key)`, cached in a hidden property of `key` (symbol-keyed and non-enumerable, so a spread copy of a node
 *  does not carry it along). The keys are parse-tree nodes and statements, which live as long as their migration.
 *  WeakMaps did this at several times the cost on large checks: their entries are ephemerons, which every garbage
 *  collection must trace (bench/check-throughput). */
export function cachedOn<K extends object, V>(key: K, slot: symbol, compute: (key: K) => V): V {
  if (slot in key) return (key as Record<symbol, V>)[slot]!;
  const value = compute(key);
  Object.defineProperty(key, slot, { value });
  return value;
}

// V8 (Node 20, measured) builds `{ ...object, key: value }` slowly when `key` is not already in
// `object`: the copy gets a map with no transition for the new key, and each such literal took
// 1-2 µs, where `Object.assign({}, object)` followed by an assignment of the key takes 0.1 µs.
// The rule engine builds a few per probe (a branch's variables, its steps), 20,000 probes a scan.

/**
 * `{ ...object, [key]: value }`, built the fast way: the same entries in the same order (a new
 * key last, an existing one in its place), which rules can see (`keys(steps)`, `values(steps)`).
 */
export function withEntry<V>(object: Readonly<Record<string, V>>, key: string, value: V): Record<string, V> {
  // Object.assign and `copy[key] =` set, where a literal defines: for a __proto__ key (an own
  // one in `object`, or the new one) they would set the copy's prototype instead of an entry.
  if (key === '__proto__' || Object.hasOwn(object, '__proto__')) return { ...object, [key]: value };
  const copy: Record<string, V> = Object.assign({}, object);
  copy[key] = value;
  return copy;
}

/**
 * `{ ...head, ...fixed, ...tail }` built the fast way (see withEntry), in that key order: the
 * rule engine's expression document (its variables, then target, site and steps, then the
 * current answer's fields).
 */
export function joinedEntries<V>(head: Readonly<Record<string, V>>, fixed: Readonly<Record<string, V>>, tail: Readonly<Record<string, V>> | undefined): Record<string, V> {
  if (Object.hasOwn(head, '__proto__') || Object.hasOwn(fixed, '__proto__') || (tail !== undefined && Object.hasOwn(tail, '__proto__'))) return { ...head, ...fixed, ...tail };
  return Object.assign({}, head, fixed, tail);
}

/**
 * `target.push(...items)` without spreading: a spread passes every item as an argument, and past
 * about 120,000 of them V8 throws RangeError (an audit of 130,000 drafts' failed routes did).
 */
export function appendAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

/**
 * Adds `value` to the list `map` holds for `key`, in place: `map.set(key, [...(map.get(key) ?? []),
 * value])` copied the list each time, and grouping 50,000 drafts that way took 14 s.
 */
export function addToGroup<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const group = map.get(key);
  if (group === undefined) map.set(key, [value]);
  else group.push(value);
}

/** The items of `list` by key, each group in the list's order (addToGroup for each item). */
export function groupBy<K, T>(list: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of list) addToGroup(groups, keyOf(item), item);
  return groups;
}

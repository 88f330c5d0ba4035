/** Freezes a value and everything reachable from it (maps included), so no part of the agent can change it. */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  if (value instanceof Map) {
    for (const entry of value.values()) deepFreeze(entry);
    // A frozen Map can still be changed through set/delete; make those throw.
    const refuse = (): never => {
      throw new TypeError('the configuration is read-only');
    };
    Object.defineProperties(value, {
      set: { value: refuse },
      delete: { value: refuse },
      clear: { value: refuse },
    });
  } else {
    for (const entry of Object.values(value)) deepFreeze(entry);
  }
  return Object.freeze(value);
}

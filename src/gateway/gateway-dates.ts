const MS_THRESHOLD = 1e12;

/**
 * A date the Gateway sent in whatever form its serializer chose (the Gateway's model keeps `expireAt`
 * as a database date): an ISO 8601 or other `Date`-parseable string, epoch seconds or
 * milliseconds (>= 1e12) as a number or digit string, or MongoDB extended JSON `{"$date": ...}`.
 * Undefined for anything else, so callers fall back instead of failing.
 */
export function readDateLike(value: unknown): Date | undefined {
  if (typeof value === 'number') return fromEpoch(value);
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '' || text.length > 64) return undefined;
    if (/^\d{1,16}$/.test(text)) return fromEpoch(Number(text));
    return valid(new Date(Date.parse(text)));
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, '$date')) {
    const inner = (value as { $date: unknown }).$date;
    if (typeof inner === 'object' && inner !== null && Object.hasOwn(inner, '$numberLong')) {
      return readDateLike((inner as { $numberLong: unknown }).$numberLong);
    }
    return typeof inner === 'object' ? undefined : readDateLike(inner);
  }
  return undefined;
}

function fromEpoch(value: number): Date | undefined {
  if (!Number.isSafeInteger(value) || value <= 0) return undefined;
  return valid(new Date(value >= MS_THRESHOLD ? value : value * 1000));
}

function valid(date: Date): Date | undefined {
  return Number.isNaN(date.getTime()) ? undefined : date;
}

import semver from 'semver';

/** Whether every release a range allows is `version` or later. */
export function releasedBy(range: string | undefined, version: string): boolean {
  if (range === undefined) return false;
  if (!/\d/.test(range)) return !/^(?:file|link|portal|git|github):/.test(range);
  try {
    const least = semver.minVersion(range);
    return least !== null && semver.gte(least, version);
  } catch {
    return false;
  }
}

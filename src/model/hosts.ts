import { wildcardRegExp } from '../util/regexp.js';

/**
 * Names that only resolve inside a private network: a call to one of them stays within the
 * system (a container, a cluster service, a VPC address), so trace context should cross it.
 */
const PRIVATE_SUFFIXES = [
  '.internal',
  '.local',
  '.localhost',
  '.localdomain',
  '.svc',
  '.cluster.local',
  '.consul',
  '.lan',
  '.intranet',
  '.corp',
  '.home.arpa',
];

/** Loopback, RFC 1918 and unique-local addresses. */
function isPrivateAddress(host: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(host);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
  }
  const v6 = host.replace(/^\[|\]$/g, '');
  return v6 === '::1' || /^f[cd][0-9a-f]{2}:/i.test(v6);
}

/**
 * A host pattern from the budget file: `*` stands for any characters (`*.svc.cluster.local`);
 * without one, the host itself or any subdomain of it (`orders` matches `orders` only,
 * `acme.io` also `api.acme.io`).
 */
export function hostMatches(host: string, pattern: string): boolean {
  const p = pattern.toLowerCase();
  if (!p.includes('*')) return host === p || host.endsWith(`.${p}`);
  return wildcardRegExp(p).test(host);
}

/**
 * Whether a literal host belongs to the same system: one the budget file lists as internal, a
 * single-label name (`orders`, `localhost`: container and cluster service names), a private-network
 * suffix or a private address. Any other host is a third party (a public SaaS API): trace context
 * does not cross that boundary.
 */
export function isInternalHost(host: string, internalHosts: readonly string[]): boolean {
  const h = host.toLowerCase();
  return (
    internalHosts.some((p) => hostMatches(h, p)) ||
    !h.includes('.') ||
    isPrivateAddress(h) ||
    PRIVATE_SUFFIXES.some((s) => h.endsWith(s))
  );
}

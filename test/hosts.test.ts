import { describe, expect, it } from 'vitest';
import { hostMatches, isInternalHost } from '../src/model/hosts.js';

describe('internal and third-party hosts', () => {
  it('matches budget-file patterns: `*` for any characters, a bare name with its subdomains', () => {
    expect(hostMatches('orders.default.svc.cluster.local', '*.svc.cluster.local')).toBe(true);
    expect(hostMatches('api-eu.acme.io', 'api-*.acme.io')).toBe(true);
    expect(hostMatches('api.acme.io', 'acme.io')).toBe(true);
    expect(hostMatches('acme.io', 'acme.io')).toBe(true);
    expect(hostMatches('notacme.io', 'acme.io')).toBe(false);
    expect(hostMatches('acme.io.evil.com', '*.acme.io')).toBe(false);
  });

  it('treats private names and addresses as internal, every other literal host as a third party', () => {
    for (const host of [
      'orders',
      'localhost',
      'billing.internal',
      'db.local',
      'api.consul',
      '10.2.3.4',
      '172.20.0.5',
      '192.168.1.9',
      '127.0.0.1',
    ])
      expect(isInternalHost(host, []), host).toBe(true);
    for (const host of ['api.github.com', 'hooks.slack.com', 'api.stripe.com', '172.32.0.1', '8.8.8.8'])
      expect(isInternalHost(host, []), host).toBe(false);
    expect(isInternalHost('api.acme.io', ['acme.io'])).toBe(true);
  });
});

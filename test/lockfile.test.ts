import { describe, expect, it } from 'vitest';
import { lockedVersions } from '../src/discovery/lockfile.js';

describe('the versions a lockfile installs', () => {
  it('reads pnpm 9 packages and snapshots, scoped names and peer suffixes included', () => {
    const text = [
      "lockfileVersion: '9.0'",
      'packages:',
      '  dd-trace@5.87.0:',
      '    resolution: {integrity: sha512-x}',
      "  '@sentry/node@8.55.0':",
      '    resolution: {integrity: sha512-y}',
      'snapshots:',
      "  '@nestjs/bullmq@11.0.2(bullmq@5.70.4)':",
      '    dependencies:',
      '      bullmq: 5.70.4',
    ].join('\n');
    const locked = lockedVersions(text);
    expect(locked.get('dd-trace')).toEqual(['5.87.0']);
    expect(locked.get('@sentry/node')).toEqual(['8.55.0']);
    expect(locked.get('@nestjs/bullmq')).toEqual(['11.0.2']);
  });

  it('reads pnpm 6 to 8 keys, with a slash or an at sign before the version', () => {
    const locked = lockedVersions(
      ['packages:', '  /dd-trace/4.20.0:', '    dev: false', '  /bullmq@5.1.0:'].join('\n'),
    );
    expect(locked.get('dd-trace')).toEqual(['4.20.0']);
    expect(locked.get('bullmq')).toEqual(['5.1.0']);
  });

  it("reads npm's package-lock, nested copies too", () => {
    const text = JSON.stringify(
      {
        packages: {
          '': { name: 'api' },
          'node_modules/dd-trace': { version: '5.87.0' },
          'node_modules/@sentry/node': { version: '7.120.3' },
          'node_modules/legacy/node_modules/dd-trace': { version: '4.1.0' },
        },
      },
      null,
      2,
    );
    const locked = lockedVersions(text);
    expect(locked.get('dd-trace')?.sort()).toEqual(['4.1.0', '5.87.0']);
    expect(locked.get('@sentry/node')).toEqual(['7.120.3']);
  });

  it('reads Yarn classic and berry entries', () => {
    const classic = ['dd-trace@^5.76.0:', '  version "5.87.0"', '  resolved "https://registry/dd-trace.tgz"'].join(
      '\n',
    );
    const berry = ['"@sentry/node@npm:^8.0.0":', '  version: 8.55.0', '  resolution: "@sentry/node@npm:8.55.0"'].join(
      '\n',
    );
    expect(lockedVersions(classic).get('dd-trace')).toEqual(['5.87.0']);
    expect(lockedVersions(berry).get('@sentry/node')).toEqual(['8.55.0']);
  });
});

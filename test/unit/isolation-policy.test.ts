import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/core/config.js';
import { limitsWish, sandboxWish } from '../../src/isolate/sandbox/policy-from-config.js';

const config = (raw: unknown) => configSchema.parse(raw);

describe('sandbox and limits from braid.yaml and flags', () => {
  it('sandboxes only when asked, by flag or config', () => {
    expect(sandboxWish(config({}), {}, '/w', '/home/u')).toBeNull();
    expect(sandboxWish(config({}), { sandbox: true }, '/w', '/home/u')).toEqual({
      network: 'all',
      writable: [],
      hide: ['/home/u'],
      read: [],
      readonly: false,
    });
    expect(sandboxWish(config({ sandbox: true }), {}, '/w', '/home/u')?.network).toBe('all');
    expect(sandboxWish(config({}), { readonly: true }, '/w', '/home/u')?.readonly).toBe(true);
  });

  it('maps network lists to an allow-list and resolves writable paths', () => {
    const wish = sandboxWish(
      config({ sandbox: { network: ['api.example.com'], writable: ['~/.gradle', 'build', '/srv/x'] } }),
      {},
      '/w',
      '/home/u',
    );
    expect(wish?.network).toEqual({ allow: ['api.example.com'] });
    expect(wish?.writable).toEqual(['/home/u/.gradle', '/w/build', '/srv/x']);
    expect(sandboxWish(config({ sandbox: { network: 'none' } }), {}, '/w')?.network).toBe('none');
  });

  it('hides the home folder unless sandbox.hide says otherwise; sandbox.read keeps paths readable', () => {
    const wish = (sandbox: unknown) => sandboxWish(config({ sandbox }), {}, '/w', '/home/u');
    expect(wish(true)).toMatchObject({ hide: ['/home/u'], read: [] });
    expect(wish({ read: ['~/.aws', 'docs'] })).toMatchObject({
      hide: ['/home/u'],
      read: ['/home/u/.aws', '/w/docs'],
    });
    expect(wish({ hide: [] })?.hide).toEqual([]);
    expect(wish({ hide: ['~', '/srv/secrets'] })?.hide).toEqual(['/home/u', '/srv/secrets']);
  });

  it('limits: none unless one is set; required defaults to false', () => {
    expect(limitsWish(config({}))).toBeNull();
    expect(limitsWish(config({ limits: { required: true } }))).toBeNull();
    expect(limitsWish(config({ limits: { memory: '4G', cpu: 1.5 } }))).toEqual({
      limits: { memory: '4G', cpu: 1.5, pids: undefined },
      required: false,
    });
  });
});

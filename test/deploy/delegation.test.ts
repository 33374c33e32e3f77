import { describe, expect, it, vi } from 'vitest';
import { isDelegated, waitForDelegation } from '../../src/deploy/delegation';

const ZONE = ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.co.uk'];

describe('delegation of a new zone', () => {
  it('holds when the domain resolves to the zone’s own name servers, whatever their case or final dot', async () => {
    expect(await isDelegated('staging.example.gov.uk', ZONE, async () => ['NS-1.awsdns-01.org.', 'ns-2.awsdns-02.co.uk'])).toBe(true);
  });

  it('does not hold while the domain resolves elsewhere, to nothing, or not at all', async () => {
    expect(await isDelegated('staging.example.gov.uk', ZONE, async () => ['ns.parent-registrar.example'])).toBe(false);
    expect(await isDelegated('staging.example.gov.uk', ZONE, async () => [])).toBe(false);
    expect(
      await isDelegated('staging.example.gov.uk', ZONE, async () => {
        throw Object.assign(new Error('queryNs ENOTFOUND staging.example.gov.uk'), { code: 'ENOTFOUND' });
      }),
    ).toBe(false);
  });

  it('is looked for every half minute until it resolves or the wait is over', async () => {
    const sleep = vi.fn(async () => {});
    let looks = 0;
    const resolve = async () => (++looks >= 3 ? ZONE : []);
    expect(await waitForDelegation('staging.example.gov.uk', ZONE, { minutes: 5, resolve, sleep })).toBe(true);
    expect(looks).toBe(3);
    expect(sleep).toHaveBeenCalledWith(30_000);

    const never = vi.fn(async () => [] as string[]);
    expect(await waitForDelegation('staging.example.gov.uk', ZONE, { minutes: 2, resolve: never, sleep })).toBe(false);
    // Now, then every 30 s for 2 minutes.
    expect(never).toHaveBeenCalledTimes(5);
  });
});

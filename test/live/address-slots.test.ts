import { describe, expect, it } from 'vitest';
import { AddressSlots } from '../../src/live/index.ts';

describe('AddressSlots (one per-address budget for every live transport)', () => {
  it('refuses past the limit, frees a slot once however often it is released, keys addresses as the rate limits do', () => {
    const slots = new AddressSlots(2);
    const a = slots.take('10.0.0.1');
    const b = slots.take('::ffff:10.0.0.1');
    expect(a && b).toBeTruthy();
    expect(slots.take('10.0.0.1')).toBeUndefined();
    expect(slots.take('10.0.0.2')).toBeTruthy();
    a?.();
    a?.();
    expect(slots.take('10.0.0.1')).toBeTruthy();
    expect(slots.take('10.0.0.1')).toBeUndefined();
    // One IPv6 /64 is one client.
    const v6 = new AddressSlots(1);
    expect(v6.take('2001:db8::1')).toBeTruthy();
    expect(v6.take('2001:db8::2')).toBeUndefined();
  });
});

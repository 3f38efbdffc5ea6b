import { describe, expect, it } from 'vitest';
import { UrlSigner } from '../../src/files/access/signing.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('signed file URLs', () => {
  const signer = new UrlSigner(Buffer.alloc(32, 7), 3600);
  const now = 1_800_000_000_000;

  it('a signature verifies for its name until its expiry', () => {
    const { exp, sig } = signer.sign('a.pdf', now);
    expect(signer.verify('a.pdf', String(exp), sig, now)).toBeGreaterThan(0);
    expect(signer.verify('b.pdf', String(exp), sig, now)).toBeUndefined();
    expect(signer.verify('a.pdf', String(exp + 1), sig, now)).toBeUndefined();
    expect(signer.verify('a.pdf', String(exp), sig, exp * 1000)).toBeUndefined();
  });

  it('any other character in any place is refused, the last one too (whose low bits decoding ignores)', () => {
    // Over many names, so that last characters whose padding bits a decoder would drop occur.
    for (let n = 0; n < 64; n++) {
      const { exp, sig } = signer.sign(`file-${n}.bin`, now);
      for (let i = 0; i < sig.length; i++) {
        for (const c of ALPHABET) {
          if (c === sig[i]) continue;
          const tampered = sig.slice(0, i) + c + sig.slice(i + 1);
          expect(signer.verify(`file-${n}.bin`, String(exp), tampered, now), `${sig} → ${tampered}`).toBeUndefined();
        }
      }
    }
  });
});

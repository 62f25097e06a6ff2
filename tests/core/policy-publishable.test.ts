/**
 * The publish rule shared by `patchtrail policy publish` and the app's Policy screen: a
 * version at or below the one in force can never take effect, except that very policy again.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPatchtrailError } from '../../src/core/errors.ts';
import { checkPublishable, publishRefusal } from '../../src/core/policy/publishable.ts';

const inForce = { version: 3, hash: 'sha256:aa' };

describe('publishRefusal', () => {
  it('lets anything go when no policy is in force', () => {
    expect(publishRefusal(undefined, 1, 'sha256:bb')).toBeUndefined();
  });

  it('lets a higher version go, and the policy in force again (another admin signs it)', () => {
    expect(publishRefusal(inForce, 4, 'sha256:bb')).toBeUndefined();
    expect(publishRefusal(inForce, 3, 'sha256:aa')).toBeUndefined();
  });

  it('refuses a rival at the same version and any lower version, naming the version to use', () => {
    expect(publishRefusal(inForce, 3, 'sha256:bb')).toBe(
      'version 3 can never take effect: version 3 is in force; use 4 or higher',
    );
    expect(publishRefusal(inForce, 1, 'sha256:aa')).toMatch(/^version 1 can never take effect/);
  });

  it('refuses exactly what can never win against the version in force (sweep)', () => {
    fc.assert(
      fc.property(fc.nat(50), fc.nat(50), fc.boolean(), (current, version, same) => {
        const hash = same ? 'sha256:aa' : 'sha256:bb';
        const refused = publishRefusal({ version: current, hash: 'sha256:aa' }, version, hash);
        const canWin = version > current || (version === current && same);
        expect(refused === undefined).toBe(canWin);
      }),
    );
  });

  it('checkPublishable throws INVALID_METADATA with the same reason', () => {
    let caught: unknown;
    try {
      checkPublishable(inForce, 2, 'sha256:bb');
    } catch (error) {
      caught = error;
    }
    expect(isPatchtrailError(caught) && caught.code).toBe('INVALID_METADATA');
    expect((caught as Error).message).toContain(publishRefusal(inForce, 2, 'sha256:bb'));
    expect(() => checkPublishable(inForce, 4, 'sha256:bb')).not.toThrow();
  });
});

/**
 * Where an audit row says a patch was applied (src/app/audit-rows.ts, shown by src/ui/pages/audit/AuditList.tsx): the app's
 * workspaces and folders by kind and name, the CLI's default target (the device's own did, when
 * no --target was named) in words rather than as a did too long for a phone, and any other name
 * the CLI was given whole, colons and all.
 */
import { describe, expect, it } from 'vitest';
import { targetLabel } from '../../src/app/audit-rows.ts';
import { deviceLine, lastTarget } from '../../src/app/target-words.ts';

const DEVICE = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';

describe('an audit row’s target', () => {
  it('names the app’s workspaces and folders, the CLI’s default target, and other names whole', () => {
    expect(targetLabel(`${DEVICE}:workspace:main`, DEVICE)).toBe('workspace main');
    expect(targetLabel(`${DEVICE}:folder:firmware`, DEVICE)).toBe('folder firmware');
    expect(targetLabel(DEVICE, DEVICE)).toBe('its default target');
    expect(targetLabel('plant-A', DEVICE)).toBe('plant-A');
    expect(targetLabel('line:3:press', DEVICE)).toBe('line:3:press');
    expect(targetLabel('line2\n"q"\tx', DEVICE)).toBe('line2\\x0A"q"\\x09x');
    // Another device's default target is a did, not this row's device: shown as it is.
    expect(targetLabel('did:key:z6MkOther', DEVICE)).toBe('did:key:z6MkOther');
    // Any device may write any target: one naming another device's workspace is not shown as
    // the signer's own.
    expect(targetLabel('did:key:z6MkOtherDevice1234:workspace:line-2', DEVICE)).toBe(
      'workspace line-2 of another device (did:key:z6MkOtherDev…)',
    );
  });

  it('says what this device last did with a patch, applied or rolled back, where and when', () => {
    const at = (reason: 'applied' | 'rolled-back', time: string) => ({
      id: `sha256:${time}`,
      reason,
      target: `${DEVICE}:workspace:main`,
      time,
    });
    expect(deviceLine([])).toBeUndefined();
    expect(deviceLine([at('applied', '2026-12-07T10:00:00Z')])).toBe(
      'Applied on this device, to workspace main, at 2026-12-07 10:00:00 UTC.',
    );
    expect(
      deviceLine([
        at('applied', '2026-12-07T10:00:00Z'),
        at('rolled-back', '2026-12-07T10:05:00Z'),
      ]),
    ).toBe('Rolled back on this device, on workspace main, at 2026-12-07 10:05:00 UTC.');
  });
});

describe('where the Act panel starts', () => {
  const at = (reason: string, target: string) => ({ reason, target, time: '2026-12-07T10:00:00Z' });
  it('is where this device last applied or rolled back the patch, in the app, and nowhere else', () => {
    expect(lastTarget([at('applied', `${DEVICE}:folder:fw:v2`)], DEVICE)).toEqual({
      kind: 'folder',
      name: 'fw:v2',
    });
    expect(
      lastTarget(
        [
          at('applied', `${DEVICE}:folder:fw`),
          at('rolled-back', `${DEVICE}:workspace:lab`),
          at('reviewed', ''),
        ],
        DEVICE,
      ),
    ).toEqual({ kind: 'workspace', name: 'lab' });
    // The CLI's target, another device's workspace, or no act at all: the panel's default.
    expect(lastTarget([at('applied', DEVICE)], DEVICE)).toBeUndefined();
    expect(lastTarget([at('applied', `did:key:z6MkOther:workspace:main`)], DEVICE)).toBeUndefined();
    expect(lastTarget([at('reviewed', '')], DEVICE)).toBeUndefined();
    expect(lastTarget([at('applied', `${DEVICE}:workspace:main`)], undefined)).toBeUndefined();
  });
});

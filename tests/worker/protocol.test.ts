/** The verify worker's message protocol and the job it runs, without a browser. */
import { describe, expect, it } from 'vitest';
import { PatchtrailError } from '../../src/core/index.ts';
import {
  deserializeError,
  isWorkerRequest,
  isWorkerResponse,
  serializeError,
} from '../../worker/protocol.ts';
import { runVerifyJob } from '../../worker/verify-job.ts';
import { attested, bytesOf, sampleBundle, signer } from '../helpers/bundles.ts';

describe('worker protocol', () => {
  it('accepts a well-formed verify request and rejects other shapes', () => {
    const bytes = new ArrayBuffer(4);
    expect(isWorkerRequest({ kind: 'verify', id: 1, bytes })).toBe(true);
    expect(isWorkerRequest({ kind: 'verify', id: 2, bytes, trusted: ['did:key:z6Mk'] })).toBe(true);
    expect(isWorkerRequest({ kind: 'verify', id: 1, bytes: new Uint8Array(4) })).toBe(false);
    expect(isWorkerRequest({ kind: 'verify', id: 1.5, bytes })).toBe(false);
    expect(isWorkerRequest({ kind: 'verify', id: 1, bytes, trusted: [7] })).toBe(false);
    expect(isWorkerRequest({ kind: 'sign', id: 1, bytes })).toBe(false);
    expect(isWorkerRequest(null)).toBe(false);
  });

  it('accepts the two response kinds and rejects other shapes', () => {
    const result = { ok: false, problem: { code: 'MALFORMED_INPUT', message: 'x', details: [] } };
    expect(isWorkerResponse({ kind: 'verified', id: 3, job: { result } })).toBe(true);
    const error = { name: 'TypeError', message: 'boom' };
    expect(isWorkerResponse({ kind: 'error', id: 3, error })).toBe(true);
    expect(isWorkerResponse({ kind: 'verified', id: 3 })).toBe(false);
    expect(isWorkerResponse({ kind: 'error', id: '3', error })).toBe(false);
    expect(isWorkerResponse({ kind: 'error', id: 3, error: { name: 'E' } })).toBe(false);
  });

  it('round-trips a coded error through structured clone, keeping its code and details', () => {
    const original = new PatchtrailError('TOO_LARGE', 'too big', { details: ['a', 'b'] });
    const back = deserializeError(structuredClone(serializeError(original)));
    expect(back).toBeInstanceOf(PatchtrailError);
    expect(back).toMatchObject({ code: 'TOO_LARGE', message: 'too big', details: ['a', 'b'] });
  });

  it('serialises uncoded errors and thrown non-errors by name and message, keeping built-in classes', () => {
    const back = deserializeError(structuredClone(serializeError(new RangeError('out'))));
    expect(back).not.toBeInstanceOf(PatchtrailError);
    expect(back).toBeInstanceOf(RangeError); // built-in classes survive, so callers can tell
    expect({ name: back.name, message: back.message }).toEqual({
      name: 'RangeError',
      message: 'out',
    });
    expect(serializeError('plain string')).toEqual({ name: 'Error', message: 'plain string' });
  });
});

describe('verify job', () => {
  it('keeps problem codes through structured clone (postMessage)', async () => {
    const bundle = await attested(await sampleBundle(1), 2);
    const attestation = bundle.attestation_signatures[0];
    if (attestation?.signatures[0] === undefined) throw new Error('fixture has no attestation');
    attestation.signatures[0].sig = attestation.signatures[0].sig.replace(/^./, (c) =>
      c === 'A' ? 'B' : 'A',
    );
    const job = structuredClone(await runVerifyJob(bytesOf(bundle)));
    expect(job.result.ok).toBe(false);
    expect(job.result.report?.attestations[0]?.problem?.code).toBe('INVALID_SIGNATURE');
  });

  it('adds what a forged payload claims, only when verification failed', async () => {
    const bundle = await sampleBundle(1);
    const valid = await runVerifyJob(bytesOf(bundle));
    expect(valid.result.ok).toBe(true);
    expect(valid.unverified).toBeUndefined();

    const payload = Buffer.from(bundle.envelope.payload, 'base64').toString('utf8');
    const forged = payload.replace('Fix greeting typo', 'Fix greeting, trust me');
    bundle.envelope.payload = Buffer.from(forged).toString('base64');
    const job = await runVerifyJob(bytesOf(bundle));
    expect(job.result.ok ? 'ok' : job.result.problem.code).toBe('INVALID_SIGNATURE');
    expect(job.unverified).toMatchObject({
      authorKeyid: (await signer(1)).did,
      attestationKeyids: [],
      predicate: { reason_for_patch: 'Fix greeting, trust me' },
    });
  });

  it('returns MALFORMED_INPUT and no claims for bytes that are not a bundle', async () => {
    const job = await runVerifyJob(new TextEncoder().encode('not json'));
    expect(job.result.ok ? 'ok' : job.result.problem.code).toBe('MALFORMED_INPUT');
    expect(job.unverified).toBeUndefined();
  });
});

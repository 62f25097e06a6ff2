/** The app's verify service on the worker pool, with fake pool workers, in Node. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_BUNDLE_BYTES, serializeBundle } from '../../src/core/index.ts';
import { makeServices, type BundleFile } from '../../src/app/services.ts';
import type { VerifyRequest } from '../../worker/protocol.ts';
import { runVerifyJob } from '../../worker/verify-job.ts';
import { sampleBundle, signer } from '../helpers/bundles.ts';
import { FakePoolWorker, fakeWorkers, untilRequested } from '../helpers/fake-worker.ts';

const fileOf = (name: string, text: string): BundleFile => new File([text], name);

describe('verify service', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('refuses a file over the limit with TOO_LARGE without reading it', async () => {
    const services = makeServices({ startWorker: () => new FakePoolWorker() });
    const huge: BundleFile = {
      name: 'huge.json',
      size: MAX_BUNDLE_BYTES + 1,
      arrayBuffer: () => Promise.reject(new Error('must not be read')),
    };
    const check = await services.verifyBundleFile(huge);
    expect(check).toMatchObject({ verdict: 'rejected', engine: 'none' });
    expect(check.problem?.code).toBe('TOO_LARGE');
  });

  it('verifies on the main thread when no worker can start, and says so', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const services = makeServices({
      startWorker: () => {
        throw new Error('no workers here');
      },
    });
    const check = await services.verifyBundleFile(
      fileOf('valid.json', serializeBundle(await sampleBundle(1))),
    );
    expect(check).toMatchObject({ verdict: 'verified', engine: 'main-thread' });
    expect(check.signatures).toMatchObject([{ role: 'author', status: 'valid' }]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('no workers here'));
  });

  it('falls back to the main thread when the worker dies mid-request', async () => {
    const fakes = fakeWorkers('crash');
    const services = makeServices({ startWorker: fakes.start });
    const text = serializeBundle(await sampleBundle(1));
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const check = await services.verifyBundleFile(fileOf('valid.json', text));
    expect(check).toMatchObject({ verdict: 'verified', engine: 'main-thread' });
    expect(fakes.started[0]?.terminated).toBe(true);
  });

  it('after a worker crashes, the next check runs in a new worker', async () => {
    const fakes = fakeWorkers('crash', 'answer');
    const services = makeServices({ startWorker: fakes.start });
    const text = serializeBundle(await sampleBundle(1));
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await services.verifyBundleFile(fileOf('a.json', text))).engine).toBe('main-thread');
    const next = await services.verifyBundleFile(fileOf('b.json', text));
    expect(next).toMatchObject({ verdict: 'verified', engine: 'worker' });
    expect(fakes.started).toHaveLength(2);
    expect(fakes.started[1]?.requests).toHaveLength(1);
  });

  it('uses the worker answer, and marks a forged author signature invalid with claims', async () => {
    const fakes = fakeWorkers('hold');
    const services = makeServices({ startWorker: fakes.start });
    const bundle = await sampleBundle(1);
    const payload = Buffer.from(bundle.envelope.payload, 'base64').toString('utf8');
    bundle.envelope.payload = Buffer.from(payload.replace('typo', 'tpyo')).toString('base64');
    const checking = services.verifyBundleFile(fileOf('forged.json', serializeBundle(bundle)));
    const worker = await untilRequested(() => fakes.started[0]);
    const request = worker.requests[0]?.message as unknown as VerifyRequest;
    const answer = await runVerifyJob(new Uint8Array(request.bytes));
    worker.reply({ kind: 'verified', id: request.id, job: structuredClone(answer) });
    const check = await checking;
    expect(check).toMatchObject({ verdict: 'rejected', engine: 'worker' });
    expect(check.problem?.code).toBe('INVALID_SIGNATURE');
    expect(check.signatures).toMatchObject([
      { role: 'author', did: (await signer(1)).did, status: 'invalid' },
    ]);
    expect(check.claims?.reason).toBe('Fix greeting tpyo');
    expect(check.report).toBeUndefined();
  });

  it('tells a plain diff from other files that are no bundle, never reading one as a bundle', async () => {
    const encode = (text: string) => new TextEncoder().encode(text);
    const diff = '--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n--- a/g\n+++ b/g\n@@ -1 +1 @@\n-c\n+d\n';
    const plain = await runVerifyJob(encode(diff));
    expect(plain.result.ok).toBe(false);
    expect(plain.plainDiff).toEqual({ files: 2 });
    for (const other of ['hello', '{"not":"a bundle"}', '@@ -1 +1 @@\n-a\n+b\n'])
      expect((await runVerifyJob(encode(other))).plainDiff).toBeUndefined();
  });
});

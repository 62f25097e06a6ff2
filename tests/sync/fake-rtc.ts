/**
 * Stand-ins for the browser's WebRTC objects, for pairing tests in Node: EventTargets with just
 * what src/sync/pairing.ts uses, whose state the test moves by hand.
 */

/** A session description as the pairing code expects one (its first line). */
export const FAKE_SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';

/** An RTCDataChannel: messages arrive when the test says so; `close` is counted. */
export class FakeChannel extends EventTarget {
  binaryType = 'blob';
  readyState = 'connecting';
  bufferedAmount = 0;
  closed = 0;
  sent: Uint8Array[] = [];
  close(): void {
    this.closed++;
  }
  send(frame: Uint8Array): void {
    this.sent.push(frame.slice());
  }
  receive(data: unknown): void {
    this.dispatchEvent(new MessageEvent('message', { data }));
  }
  /** Opens it, as the browser does once the connection is up. */
  opened(): this {
    this.readyState = 'open';
    this.dispatchEvent(new Event('open'));
    return this;
  }
}

/** An RTCPeerConnection whose ICE gathering is done at once; the last one made is `last`. */
export class FakePeerConnection extends EventTarget {
  static last: FakePeerConnection | undefined;
  connectionState = 'new';
  iceGatheringState = 'complete';
  localDescription: { sdp: string } | null = null;
  channel = new FakeChannel();
  constructor() {
    super();
    FakePeerConnection.last = this;
  }
  createDataChannel(): FakeChannel {
    return this.channel;
  }
  createOffer = async () => ({ type: 'offer', sdp: FAKE_SDP });
  createAnswer = async () => ({ type: 'answer', sdp: FAKE_SDP });
  setLocalDescription = async (d: { sdp: string }) => void (this.localDescription = d);
  setRemoteDescription = async () => undefined;
  close(): void {}
  /** ICE found no path: the connection fails. */
  fail(): void {
    this.connectionState = 'failed';
    this.dispatchEvent(new Event('connectionstatechange'));
  }
  /** The answering side's channel arrives, open. */
  announce(): FakeChannel {
    const event = Object.assign(new Event('datachannel'), { channel: this.channel });
    this.channel.readyState = 'open';
    this.dispatchEvent(event);
    return this.channel;
  }
}
